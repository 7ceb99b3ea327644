"""Address validation: the fast path agrees with email-validator on what it accepts."""

from __future__ import annotations

import pytest
from email_validator import EmailNotValidError, validate_email
from hypothesis import given, settings
from hypothesis import strategies as st

from incidents.validation import _PLAIN, check_address

GOOD = ["taro.yamada@example.co.jp", "info+news@sub.example.com", "a@b.cd", "x_y-z@xn--eckwd4c7c.xn--zckzah",
        "山田@例え.jp", "o'brien@example.ie"]
BAD = ["not-an-address", "a@b", "a@@b.jp", "a..b@example.jp", ".a@example.jp", "a@-example.jp", "a@example..jp",
       "a b@example.jp", "a@example.jp\r\nBcc: x@y.jp", "", "@example.jp", "a@"]


@pytest.mark.parametrize("address", GOOD)
def test_good_addresses(address):
    assert check_address(address) == address


@pytest.mark.parametrize("address", BAD)
def test_bad_addresses(address):
    with pytest.raises(ValueError):
        check_address(address)


@settings(max_examples=300, deadline=None)
@given(st.from_regex(r"[a-z0-9.!#_+-]{1,12}@[a-z0-9.-]{1,20}\.[a-z]{2,4}", fullmatch=True))
def test_fast_path_never_accepts_what_the_reference_refuses(address):
    if _PLAIN.fullmatch(address):
        validate_email(address, check_deliverability=False)  # must not raise
    else:
        try:
            check_address(address)
        except ValueError:
            with pytest.raises(EmailNotValidError):
                validate_email(address, check_deliverability=False, allow_smtputf8=True)
