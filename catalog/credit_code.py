"""Unified social credit code (统一社会信用代码, GB 32100-2015) with the GB 11714 organization code
inside it. A typo in a credit code would attach credit records to the wrong organization, so both
check characters are verified."""

from __future__ import annotations

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 characters: no I, O, S, V, Z
_VALUE = {c: i for i, c in enumerate(CHARSET)}
_WEIGHTS = [pow(3, i, 31) for i in range(17)]
_ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]


def credit_check_char(first17: str) -> str:
    """The 18th character for the first 17 (GB 32100-2015 §5)."""
    total = sum(_VALUE[c] * w for c, w in zip(first17, _WEIGHTS, strict=True))
    return CHARSET[(31 - total % 31) % 31]


def org_code_check_char(body8: str) -> str:
    """The 9th character of an organization code for its first 8 (GB 11714-1997)."""
    total = 0
    for c, w in zip(body8, _ORG_WEIGHTS, strict=True):
        v = int(c) if c.isdigit() else ord(c) - ord("A") + 10
        total += v * w
    r = 11 - total % 11
    return {10: "X", 11: "0"}.get(r, str(r))


def credit_code_problem(code: object) -> tuple[str, str] | None:
    """None when valid, else (Chinese, English) saying what is wrong."""
    if not isinstance(code, str):
        return ("必须是文本", "must be a string")
    if len(code) != 18:
        return (f"应为18位，实际为{len(code)}位", f"must be 18 characters, got {len(code)}")
    if code != code.upper():
        return ("字母必须大写", "letters must be upper case")
    bad = sorted({c for c in code if c not in _VALUE})
    if bad:
        shown = "".join(bad)
        return (f"含有不允许的字符：{shown}", f"contains characters not allowed: {shown}")
    if not code[2:8].isdigit():
        return ("第3–8位应为行政区划代码（数字）", "characters 3–8 must be a numeric region code")
    body = code[8:16]
    if not all(c.isdigit() or "A" <= c <= "Z" for c in body):
        return ("组织机构代码本体无效", "organization code body is invalid")
    expected_org = org_code_check_char(body)
    if code[16] != expected_org:
        return (
            f"组织机构代码校验位错误（应为{expected_org}）",
            f"organization code check digit is wrong (expected {expected_org})",
        )
    expected = credit_check_char(code[:17])
    if code[17] != expected:
        return (
            f"校验码错误（应为{expected}）",
            f"check character is wrong (expected {expected})",
        )
    return None


def make_credit_code(prefix8: str, org_body8: str) -> str:
    """Build a valid code from its first 8 characters and an 8-character organization code body
    (demo data and tests)."""
    first17 = prefix8 + org_body8 + org_code_check_char(org_body8)
    return first17 + credit_check_char(first17)
