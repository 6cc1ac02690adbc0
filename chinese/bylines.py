"""Bylines as Chinese papers print them: people with roles.

    本报记者 张红梅 通讯员 李建国      two people, each with a role
    记者 张三 李四                    one role for both
    王晓东、李想                      names without a role
    沈翠英 摄                         a photographer

A byline is stored as printed (roles and names separated by spaces, names of one role by
spaces or 、) and read back with `people`; readers see it as printed, machines (JSON-LD)
get the people only.
"""

import re
from dataclasses import dataclass

# Longest first: 本报记者 before 记者, 摄影记者 before 摄影.
ROLES = [
    "本报特约记者", "本报见习记者", "本报实习生", "本报通讯员", "本报记者", "特约记者",
    "见习记者", "摄影记者", "记者", "通讯员", "实习生", "摄影", "编辑",
]  # fmt: skip
_ROLE_RE = re.compile("|".join(sorted(ROLES, key=len, reverse=True)))
_SEPARATOR = re.compile(r"[\s、，,/]+")
NAME = re.compile(r"^[\u4e00-\u9fff]{1,8}(?:·[\u4e00-\u9fff]{1,8})*$")


@dataclass(frozen=True)
class Person:
    name: str
    role: str = ""  # one of ROLES, or "" when printed without one


def people(byline):
    """The people a byline names, in order: ``people("本报记者 张红梅 通讯员 李建国")`` ->
    [Person("张红梅", "本报记者"), Person("李建国", "通讯员")]. A part that is neither a role
    nor a name (a stray word) is left out."""
    found, role = [], ""
    parts = [p for p in _SEPARATOR.split(byline or "") if p]
    for index, part in enumerate(parts):
        if part in ("摄", "摄影") and index:
            # 沈翠英 摄: the names just before were the photographers.
            found = [Person(p.name, "摄影") if not p.role else p for p in found]
            continue
        while part and (match := _ROLE_RE.match(part)):
            role, part = match.group(), part[match.end() :]
        if part.endswith("摄") and NAME.match(part[:-1]) and len(part) > 2:
            found.append(Person(part[:-1], "摄影"))
        elif part and NAME.match(part):
            found.append(Person(part, role))
    return found


def is_byline(text):
    """Does ``text`` read as a byline (at least one name, every part a role or a name)?"""
    parts = [p for p in _SEPARATOR.split(text or "") if p]
    if not parts:
        return False
    for part in parts:
        rest = _ROLE_RE.sub("", part)
        if rest and rest != "摄" and not NAME.match(rest.removesuffix("摄")):
            return False
    return bool(people(text))


def format_byline(found):
    """People back into a printed byline: a role once before its names."""
    parts, role = [], None
    for person in found:
        if person.role == "摄影":
            continue
        if person.role != role:
            if person.role:
                parts.append(person.role)
            role = person.role
        parts.append(person.name)
    text = " ".join(parts)
    if not any(p.role for p in found if p.role != "摄影"):
        text = "、".join(p.name for p in found if p.role != "摄影")
    photographers = [p.name for p in found if p.role == "摄影"]
    if photographers:
        text = " ".join(filter(None, [text, "、".join(photographers), "摄"]))
    return text
