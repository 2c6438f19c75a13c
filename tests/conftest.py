"""Hypothesis profiles: ``ci`` (the default: few, derandomized examples, so the whole suite
stays fast on two cores) and ``thorough`` (``python -m pytest --hypothesis-profile=thorough``)."""
from hypothesis import HealthCheck, settings

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
