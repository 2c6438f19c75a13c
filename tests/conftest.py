"""Hypothesis profiles: ``ci`` (the default: few, derandomized examples, so the whole suite
stays fast on two cores) and ``thorough`` (``python -m pytest --hypothesis-profile=thorough``).

BLAS runs on one thread in the tests: their matrices are small, and a multi-threaded
OpenBLAS on a busy two-core machine made small matmuls hundreds of times slower."""
import numpy  # noqa: F401  (threadpoolctl limits only the BLAS libraries already loaded)
from hypothesis import HealthCheck, settings
from threadpoolctl import threadpool_limits

_blas_limit = threadpool_limits(limits=1)

settings.register_profile(
    "ci", max_examples=8, deadline=None, derandomize=True, database=None, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "thorough", max_examples=200, deadline=None, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
# NOTE: --hypothesis-profile on the command line is applied after this and wins
settings.load_profile("ci")
