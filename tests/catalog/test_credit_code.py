"""Unified social credit code: GB 32100-2015 check character and GB 11714 organization code."""

import pytest

from catalog.credit_code import (
    CHARSET,
    credit_check_char,
    credit_code_problem,
    make_credit_code,
    org_code_check_char,
)

VALID = make_credit_code("52440402", "MJL12345")


def test_known_real_world_shape_is_valid():
    # A code from the dev set, produced independently of this module.
    assert credit_code_problem("52440402MJ9542550Q") is None


def test_made_codes_are_valid_and_deterministic():
    assert credit_code_problem(VALID) is None
    assert make_credit_code("52440402", "MJL12345") == VALID
    assert len(VALID) == 18


def test_org_code_check_digit_known_values():
    # GB 11714 worked example: D2143569 → check digit X (weights 3 7 9 10 5 8 4 2).
    assert org_code_check_char("D2143569") == "X"
    assert org_code_check_char("00000000") == "0"


def test_every_single_character_substitution_is_caught():
    for pos in range(18):
        for c in CHARSET:
            if c == VALID[pos]:
                continue
            bad = VALID[:pos] + c + VALID[pos + 1 :]
            # mod 31 with weights prime to 31: every single substitution changes the sum.
            assert credit_code_problem(bad) is not None, bad


@pytest.mark.parametrize(
    ("code", "en_fragment"),
    [
        (None, "must be a string"),
        (52440402, "must be a string"),
        (VALID[:17], "must be 18 characters"),
        (VALID + "1", "must be 18 characters"),
        (VALID.lower(), "upper case"),
        (VALID[:5] + "I" + VALID[6:], "not allowed"),
        (VALID[:5] + "O" + VALID[6:], "not allowed"),
        ("52ABCDEFMJL123450X"[:18], "numeric region code"),
    ],
)
def test_malformed_codes(code, en_fragment):
    problem = credit_code_problem(code)
    assert problem is not None and en_fragment in problem[1]
    assert problem[0]  # a Chinese message too


def test_wrong_org_code_check_digit_is_named_even_if_final_char_recomputed():
    body = VALID[8:16]
    wrong_org = "0" if VALID[16] != "0" else "1"
    first17 = VALID[:16] + wrong_org
    code = first17 + credit_check_char(first17)  # final check char consistent, inner one wrong
    problem = credit_code_problem(code)
    assert problem is not None
    assert "organization code check digit" in problem[1]
    assert org_code_check_char(body) in problem[1]


def test_wrong_final_check_char_names_the_expected_one():
    wrong = "0" if VALID[17] != "0" else "1"
    problem = credit_code_problem(VALID[:17] + wrong)
    assert problem is not None
    assert "check character is wrong" in problem[1]
    assert f"expected {VALID[17]}" in problem[1]
