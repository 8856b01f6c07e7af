"""Errors a user can fix. The command line prints their message as one line, never a traceback."""
import re

# Errors quote what they were given (a file name, a filter value, a team from Jira, a webhook's
# answer): a newline in it would break the one line, a terminal escape would recolour or rewrite
# the terminal.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


class UserError(Exception):
    pass


def error_line(message: object) -> str:
    """`error: ` and the message, its control characters shown escaped (\\n, \\x1b)."""
    return "error: " + _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode(), str(message))
