"""Errors a user can fix. The command line prints their message as one line, never a traceback."""


class UserError(Exception):
    pass
