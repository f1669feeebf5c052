# SPDX-License-Identifier: MIT
"""python3 -m edgeai run|bench|inspect (see edgeai.cli)."""
import sys

from .cli import main

sys.exit(main())
