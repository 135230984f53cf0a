"""`python -m deskclerk` runs the command line."""

from deskclerk.cli import main

if __name__ == "__main__":
    main()
