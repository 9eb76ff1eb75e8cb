class InvalidInput(Exception):
    """Input a user gave is wrong; ``problems`` says where and what is allowed."""

    def __init__(self, problems: list[str] | str):
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("; ".join(self.problems))


class NotFound(Exception):
    """The object does not exist or the caller may not know it exists."""


class Forbidden(Exception):
    """The caller may see the object but not change it."""
