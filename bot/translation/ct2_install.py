"""Installing CTranslate2 models (direct Opus-MT pairs, many-to-many NLLB) from a folder.

`ouderbrug models install --from DIR` hands every sub-folder with a `metadata.json` of kind
`direct` or `many-to-many` (or DIR itself, when it is one) to `install_folder`: the folder is
checked as `ct2_models.read_model` reads it, its licence is shown, and a licence that is not
plainly open (NLLB-200: CC-BY-NC-4.0, non-commercial) is installed only with
`--accept-licence <that licence>`. A copy is made beside the models and swapped in whole, so a
failed copy never breaks the model already installed.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from bot.translation.ct2_models import (
    METADATA,
    Ct2Model,
    ModelFolderError,
    ct2_root,
    read_model,
)


def is_ct2_folder(folder: Path) -> bool:
    """A folder that describes itself as a direct or many-to-many model."""
    meta = folder / METADATA
    return meta.is_file() and '"kind"' in meta.read_text(encoding="utf-8", errors="replace")


def consent_needed(model: Ct2Model, accepted: set[str]) -> str | None:
    """Why this model may not be installed without an opt-in (None: it may)."""
    if not model.needs_consent or model.licence in accepted:
        return None
    return (
        f"{model.name}: its licence is {model.licence.upper()}"
        + (" (non-commercial use only)" if "-nc" in model.licence else "")
        + f"; install it only if your school may use it so: --accept-licence {model.licence}"
    )


def describe(model: Ct2Model) -> str:
    """One line: kind, name, languages, licence."""
    if model.codes:
        languages = ", ".join(sorted(model.codes))
    else:
        languages = ", ".join(f"{a}>{b}" for a, b in sorted(model.pairs))
    return f"{model.kind} {model.name} ({languages}; licence {model.licence.upper()})"


def install_folder(data_dir: Path, folder: Path, accepted: set[str]) -> Ct2Model:
    """Check and install one model folder (replacing an installed model of the same name)."""
    model = read_model(folder)
    refusal = consent_needed(model, accepted)
    if refusal:
        raise ModelFolderError(refusal)
    root = ct2_root(data_dir)
    root.mkdir(parents=True, exist_ok=True)
    final, staging, old = (
        root / model.name,
        root / f".new-{model.name}",
        root / f".old-{model.name}",
    )
    shutil.rmtree(staging, ignore_errors=True)
    shutil.rmtree(old, ignore_errors=True)
    try:
        shutil.copytree(folder, staging)
        read_model(staging)  # the copy is whole
    except (OSError, ModelFolderError) as err:
        shutil.rmtree(staging, ignore_errors=True)
        raise ModelFolderError(f"{model.name}: could not copy ({err})") from err
    if final.exists():
        final.rename(old)
    staging.rename(final)
    shutil.rmtree(old, ignore_errors=True)
    return read_model(final)


def ct2_folders(folder: Path) -> list[Path]:
    """The model folders in DIR (or DIR itself)."""
    if is_ct2_folder(folder):
        return [folder]
    return [p for p in sorted(folder.iterdir()) if p.is_dir() and is_ct2_folder(p)]


def install_ct2_from_dir(
    data_dir: Path, folder: Path, accepted: set[str]
) -> tuple[list[str], list[str]]:
    """Install every model folder in DIR; returns (installed, errors)."""
    done, errors = [], []
    for path in ct2_folders(folder):
        try:
            done.append(describe(install_folder(data_dir, path, accepted)))
        except ModelFolderError as err:
            errors.append(str(err))
    return done, errors
