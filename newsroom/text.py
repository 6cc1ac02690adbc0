"""Control characters out of input and output (XML cannot hold them)."""

import re

# C0 controls but tab, line feed and carriage return; DEL; C1 controls. A paste from Word
# brings \x0b (a vertical tab); none of them can be written in XML (feeds, sitemaps).
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def strip_controls(text):
    """``text`` without control characters (see CONTROL_CHARACTERS); other values as they
    are."""
    if isinstance(text, str) and CONTROL_CHARACTERS.search(text):
        return CONTROL_CHARACTERS.sub("", text)
    return text
