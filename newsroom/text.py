"""Control characters out of input and output (XML cannot hold them), and halves of
surrogate pairs (no encoding can hold them)."""

import re

# C0 controls but tab, line feed and carriage return; DEL; C1 controls. A paste from Word
# brings \x0b (a vertical tab); none of them can be written in XML (feeds, sitemaps).
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Half of a surrogate pair on its own is no character (a JSON "\\ud800" decodes to one): it
# would fail UTF-8 encoding on its way to the database or the sanitiser.
LONE_SURROGATES = re.compile("[\ud800-\udfff]")


def strip_controls(text):
    """``text`` without control characters (see CONTROL_CHARACTERS), a lone surrogate shown
    as the replacement character (U+FFFD); other values as they are."""
    if isinstance(text, str):
        if CONTROL_CHARACTERS.search(text):
            text = CONTROL_CHARACTERS.sub("", text)
        if LONE_SURROGATES.search(text):
            text = LONE_SURROGATES.sub("\ufffd", text)
    return text
