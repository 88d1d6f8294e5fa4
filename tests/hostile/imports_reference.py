"""No optimizer of my own: numopt's Adam, imported."""
from numopt import Adam  # noqa: F401
