import sys

from needling_facts.cli import main

sys.exit(main())
