"""Tags as a Chinese newsroom types them: a Chinese input method writes "，" and "、", not ","."""

import re

SEPARATORS = re.compile(r"[,，、;；]")


def split_tags(text):
    """The tags in ``text``, separated by , ， 、 ; or ；, each with its spaces tidied and its
    quotes dropped; each once (django-taggit's TAGGIT_TAGS_FROM_STRING)."""
    names = []
    for part in SEPARATORS.split(text or ""):
        name = " ".join(part.split()).strip("\"'“”‘’")
        if name and name not in names:
            names.append(name)
    return sorted(names)


def join_tags(tags):
    """The tags for the form's field, as split_tags reads them back (TAGGIT_STRING_FROM_TAGS)."""
    return "，".join(sorted(tag.name for tag in tags))
