"""Every notebook in notebooks/ executes from top to bottom, with its default seed and with another one;
each ends by asserting its headline result, which must hold for both seeds."""
import pathlib
import re

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = sorted((pathlib.Path(__file__).parents[1] / "notebooks").glob("*.ipynb"))
SEED_LINE = 'SEED = int(os.environ.get("TAPEGRAD_SEED", "0"))'
# None: the variable is unset, so the notebook uses its default seed (0), as a reader's run does
SEEDS = [None, "1"]


def test_there_are_notebooks():
    assert NOTEBOOKS, "notebooks/ holds no .ipynb files"


def code_cells(path):
    return [c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_takes_its_seed_from_the_environment(path):
    first = code_cells(path)[0].source
    assert SEED_LINE in first, f"{path.name}: the first code cell must define {SEED_LINE}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_has_no_seed_that_ignores_the_environment(path):
    # a literal seed (manual_seed(3), default_rng(0), seed=1) would make one draw the same for every SEED
    literal = re.compile(r"(manual_seed|default_rng)\(\s*\d|\bseed\s*=\s*\d")
    hits = [line.strip() for c in code_cells(path) for line in c.source.splitlines() if literal.search(line)]
    assert not hits, f"{path.name}: seeds not derived from SEED: {hits}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_ends_by_asserting_its_result(path):
    assert "assert" in code_cells(path)[-1].source, f"{path.name} must end with a cell that asserts its result"


@pytest.mark.parametrize("seed", SEEDS, ids=lambda s: f"seed={s or 'default'}")
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_executes(path, seed, monkeypatch):
    monkeypatch.setenv("MPLBACKEND", "Agg")
    # NOTE: the kernel inherits these; one BLAS thread is faster for notebook-sized matrices
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "1")
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    if seed is None:
        monkeypatch.delenv("TAPEGRAD_SEED", raising=False)
    else:
        monkeypatch.setenv("TAPEGRAD_SEED", seed)
    # NOTE: the kernel's start-up notices (ipykernel's "running over TCP" warning, debugpy's
    # frozen-modules note) are not the notebook's output: silenced, so a run prints nothing extra
    monkeypatch.setenv("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=180, kernel_name="python3",
                            extra_arguments=["--IPKernelApp.log_level=ERROR"],
                            resources={"metadata": {"path": str(path.parent)}})
    client.execute()  # raises CellExecutionError on the first failing cell
