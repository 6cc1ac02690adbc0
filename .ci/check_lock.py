"""requirements.lock satisfies pyproject.toml: every runtime dependency is pinned there, at
a version its specifier allows (run `make lock` after changing the dependencies)."""

import re
import sys
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

project = tomllib.loads(Path("pyproject.toml").read_text(encoding="utf-8"))["project"]
pins = {
    canonicalize_name(name): version
    for name, version in re.findall(
        r"^([A-Za-z0-9_.-]+)==([^\s\\]+)", Path("requirements.lock").read_text(), re.M
    )
}
problems = []
for line in project["dependencies"]:
    requirement = Requirement(line)
    pinned = pins.get(canonicalize_name(requirement.name))
    if pinned is None:
        problems.append(f"{requirement.name} is not in requirements.lock")
    elif not requirement.specifier.contains(pinned, prereleases=True):
        problems.append(f"{requirement.name}=={pinned} does not satisfy {requirement.specifier}")
if problems:
    sys.exit("requirements.lock is stale (make lock): " + "; ".join(problems))
print(f"requirements.lock: ok ({len(pins)} pinned packages)")
