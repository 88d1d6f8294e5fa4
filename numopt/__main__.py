"""``python -m numopt``: the same as the ``numopt`` command."""

import sys

from .cli import main

sys.exit(main())
