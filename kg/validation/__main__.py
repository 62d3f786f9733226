"""``python -m kg.validation FILE... [--as-at DATE] [--format text|json|turtle|html]``."""

import sys

from kg.validation.cli import main

sys.exit(main())
