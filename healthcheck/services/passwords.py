"""Password rules: long enough for the role, not common, not repetitive, not a keyboard sequence."""

from __future__ import annotations

import re

from healthcheck.problems import N_, problem

MIN_LENGTH = 10
MIN_LENGTH_ADMIN = 12
MIN_DISTINCT = 5
# Words at the start of the passwords attackers try first (lists of leaked passwords):
# "Password2026!", "admin123456", "Welcome12345" reduce to one of these.
COMMON_WORDS = frozenset(
    {
        "password", "passw0rd", "p@ssword", "p@ssw0rd", "admin", "administrator", "root", "welcome",
        "letmein", "qwerty", "qwertz", "azerty", "iloveyou", "changeme", "secret", "master", "monkey",
        "dragon", "football", "baseball", "sunshine", "princess", "login", "shadow", "superman",
        "trustno1", "starwars", "whatever", "freedom", "hello", "healthcheck", "alliance", "abc", "abcd",
        "abcdef", "test", "testing", "default", "guest", "user", "manager", "viewer", "access",
    }
)
SEQUENCES = (
    "abcdefghijklmnopqrstuvwxyz",
    "01234567890",
    "qwertyuiopasdfghjklzxcvbnm",
    "qwertzuiopasdfghjklyxcvbnm",
    "azertyuiopqsdfghjklmwxcvbn",
    "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p",
    "1q2w3e4r5t6y7u8i9o0p",
    "qazwsxedcrfvtgbyhnujmikolp",
)


def problems(password: str, role: str) -> list[str]:
    """Why a password is refused for an account of this role (empty: acceptable)."""
    minimum = MIN_LENGTH_ADMIN if role == "admin" else MIN_LENGTH
    if len(password) < minimum:
        if role == "admin":
            return [problem(N_("password: at least %(n)s characters for an admin"), n=minimum)]
        return [problem(N_("password: at least %(n)s characters for a %(role)s"), n=minimum, role=role)]
    lowered = password.lower()
    if len(set(lowered)) < MIN_DISTINCT or _repeats_a_unit(lowered):
        return [
            problem(N_("password: too repetitive (like 'aaaaaaaaaaaa' or 'abcabcabcabc'); use a passphrase"))
        ]
    if _is_sequence(lowered):
        return [
            problem(N_("password: a keyboard or counting sequence (like '1234567890'); use a passphrase"))
        ]
    if _is_common(lowered):
        return [
            problem(N_("password: one of the most common passwords; use a passphrase of unrelated words"))
        ]
    return []


def _repeats_a_unit(text: str) -> bool:
    return re.fullmatch(r"(.{1,6}?)\1+", text) is not None


def _is_sequence(text: str, min_run: int = 3, slack: int = 2) -> bool:
    """Made of runs from keyboard rows, the alphabet or digits (forwards or backwards), but
    for at most ``slack`` other characters: '1234567890', 'qwertyuiop12', 'zxcvbnm12345'."""
    sequences = [*SEQUENCES, *(seq[::-1] for seq in SEQUENCES)]
    i, other = 0, 0
    while i < len(text):
        run = max(_run_at(text, i, seq) for seq in sequences)
        if run >= min_run:
            i += run
        else:
            other, i = other + 1, i + 1
    return other <= slack


def _run_at(text: str, start: int, sequence: str) -> int:
    run = 0
    while start + run < len(text) and text[start : start + run + 1] in sequence:
        run += 1
    return run


def _is_common(text: str) -> bool:
    """A common word followed only by digits and symbols ("password1234!", "admin2026")."""
    base = re.sub(r"[^a-z]+$", "", re.sub(r"^[^a-z]+", "", text))
    plain = base.translate(str.maketrans("@0134$", "aoleas"))
    return base in COMMON_WORDS or plain in COMMON_WORDS
