"""upload-artifact's file selection (paths and globs) and layout (least common ancestor of the
search paths, a glob's being the folder before its first wildcard), into a folder."""

import glob
import os
import shutil
import sys
from pathlib import Path

name = os.environ["NAME"]
dest = Path(os.environ["REHEARSAL_DIR"]) / "artifacts" / name
if dest.exists():
    sys.exit(f"::error::an artifact named {name} already exists for this run")
patterns = [p.strip() for p in os.environ["PATHS"].splitlines() if p.strip()]
search: list[Path] = []
files: list[Path] = []
for pattern in patterns:
    if glob.has_magic(pattern):
        parts = Path(pattern).parts
        fixed = next(i for i, part in enumerate(parts) if glob.has_magic(part))
        search.append(Path(*parts[:fixed]).resolve() if fixed else Path.cwd())
        matched = [Path(m).resolve() for m in glob.glob(pattern, recursive=True)]
        files += [m for m in matched if m.is_file()]
        continue
    p = Path(pattern).resolve()
    search.append(p)
    if p.is_dir():
        files += [f for f in p.rglob("*") if f.is_file()]
    elif p.is_file():
        files.append(p)
hidden = os.environ["HIDDEN"] == "true"
files = sorted({f for f in files if hidden or not any(part.startswith(".") for part in f.parts)})
if not files:
    message = f"No files were found with the provided path: {os.environ['PATHS']!r}"
    if os.environ["IFNONE"] == "error":
        sys.exit("::error::" + message)
    print("::warning::" + message)
    sys.exit(0)
if len(search) == 1:
    root = search[0] if search[0].is_dir() else search[0].parent
else:
    root = Path(os.path.commonpath([str(p if p.is_dir() else p.parent) for p in search]))
for f in files:
    target = dest / f.relative_to(root)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(f, target)
print(f"upload-artifact stand-in: {len(files)} file(s) as '{name}'")
