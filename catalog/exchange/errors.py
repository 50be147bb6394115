"""Refusals of a bulk import. Each bad row becomes one line naming the file, the 1-based line (or
spreadsheet row), the field and what is wrong in Chinese and English, so a clerk can fix the
file without reading code, and a script can grep for the line."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from catalog.errors import DomainError, FieldError


@dataclass(frozen=True)
class RowError:
    file: str
    line: int  # 1-based; 0 when the problem is the file itself
    field: str
    zh: str
    en: str

    @classmethod
    def of(cls, file: str, line: int, error: FieldError) -> RowError:
        return cls(file, line, error.field, error.zh, error.en)

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.field}: {self.zh} / {self.en}"

    def as_dict(self) -> dict[str, str | int]:
        return {
            "file": self.file,
            "line": self.line,
            "field": self.field,
            "zh": self.zh,
            "en": self.en,
        }


class ImportRefused(DomainError):
    """The whole import was refused and nothing was changed; `errors` lists every bad row."""

    code = "import_refused"

    def __init__(self, errors: Iterable[RowError]) -> None:
        self.errors = list(errors)
        n = len(self.errors)
        super().__init__(
            f"导入被拒绝：共{n}处错误，数据库未做任何修改",
            f"import refused: {n} error(s), nothing was changed",
        )

    def lines(self) -> list[str]:
        return [str(e) for e in self.errors]
