"""A fake Jira site for the sync tests and benchmarks: real HTTP on 127.0.0.1, both flavours."""
from .dataset import ACTION_ITEM_JQL, INCIDENT_JQL, SEVERITY_FIELD, TEAM_FIELD, build_issues, demo_issues
from .server import FakeJira, Fault, Request

__all__ = ["ACTION_ITEM_JQL", "INCIDENT_JQL", "SEVERITY_FIELD", "TEAM_FIELD", "FakeJira", "Fault", "Request",
           "build_issues", "demo_issues"]
