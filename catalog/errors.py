"""Errors that name the field and say what is wrong, in Chinese and English, so a clerk and an
integrator both understand a refusal."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldError:
    field: str
    zh: str
    en: str

    def __str__(self) -> str:
        return f"{self.field}: {self.zh} / {self.en}"

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "zh": self.zh, "en": self.en}


class DomainError(Exception):
    """Base of refusals by a domain rule."""

    code = "domain_error"

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(f"{zh} / {en}")
        self.zh = zh
        self.en = en


class ValidationFailed(DomainError):
    code = "validation_failed"

    def __init__(self, errors: list[FieldError]) -> None:
        self.errors = errors
        zh = "；".join(f"{e.field}: {e.zh}" for e in errors)
        en = "; ".join(f"{e.field}: {e.en}" for e in errors)
        super().__init__(zh, en)


class IllegalTransition(DomainError):
    code = "illegal_transition"


class NotAllowed(DomainError):
    """The actor's role or scope does not allow this."""

    code = "not_allowed"


class NotFound(DomainError):
    code = "not_found"


class Conflict(DomainError):
    """Someone else changed the record first (optimistic locking)."""

    code = "conflict"
