"""Seeds: named, independent random streams per component and per customer block, and per-student seeds.

Every random draw in the simulator comes from a ``numpy.random.Generator`` obtained here. Streams are
keyed by *name* (a stable hash of the name goes into the ``SeedSequence`` spawn key), so adding a new
stream later never shifts an existing one, and blocks are keyed by their index, so the output does not
depend on how many worker processes generate them.
"""

from __future__ import annotations

import hashlib
import hmac
import zlib

import numpy as np

SEED_MAX = 2**63 - 1


def _name_key(name: str) -> int:
    """Stable 32-bit key of a stream name (CRC32; Python's hash() is salted per process)."""
    return zlib.crc32(name.encode("utf-8"))


def stream(seed: int, name: str, block: int | None = None) -> np.random.Generator:
    """A generator for component ``name`` (and customer ``block``, if given) of the world ``seed``."""
    key = (_name_key(name),) if block is None else (_name_key(name), int(block))
    return np.random.default_rng(np.random.SeedSequence(int(seed), spawn_key=key))


def stream_int(seed: int, name: str, block: int | None = None) -> int:
    """A 32-bit integer seed for libraries that want one (Faker's ``seed_instance``)."""
    key = (_name_key(name),) if block is None else (_name_key(name), int(block))
    return int(np.random.SeedSequence(int(seed), spawn_key=key).generate_state(1)[0])


def student_seed(course_key: str, student_id: str) -> int:
    """The world seed of one student: HMAC-SHA256 of the student id under the course key.

    Without the course key a student cannot derive another student's seed from their public id.
    Returns an integer in [0, 2**63 − 1].

    >>> student_seed("course-secret", "alice") == student_seed("course-secret", "alice")
    True
    >>> student_seed("course-secret", "alice") != student_seed("course-secret", "bob")
    True
    """
    if not isinstance(course_key, str) or not course_key:
        raise ValueError("course_key must be a non-empty string")
    if not isinstance(student_id, str) or not student_id.strip():
        raise ValueError("student_id must be a non-empty string")
    digest = hmac.new(course_key.encode("utf-8"), student_id.strip().encode("utf-8"), hashlib.sha256).digest()
    return int.from_bytes(digest[:8], "big") & SEED_MAX
