"""CATALOG.md inherent-risk profile → target maturity per domain, explained in ja and en."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cyberdelta.assessment.targets import (
    DOMAINS,
    Band,
    InherentRiskProfile,
    domain_targets,
    target_for_points,
)
from cyberdelta.platform.i18n import language

profiles = st.builds(
    InherentRiskProfile,
    custody_band=st.sampled_from(list(Band)),
    hot_wallet_percent=st.integers(0, 100),
    chains=st.integers(0, 100),
    tokens=st.integers(0, 500),
    customers_band=st.sampled_from(list(Band)),
    outsourced_wallet_operations=st.booleans(),
    third_party_signing_software=st.booleans(),
    staking_or_defi=st.booleans(),
    cross_border=st.booleans(),
    past_incidents=st.booleans(),
)


def test_a_low_risk_firm_has_the_baseline_target_everywhere() -> None:
    targets = domain_targets(InherentRiskProfile())
    assert {domain: target.target for domain, target in targets.items()} == dict.fromkeys(DOMAINS, 3)
    assert all(target.rating == 1 for target in targets.values())


def test_hot_wallets_and_third_party_signing_raise_the_crypto_target_with_reasons() -> None:
    profile = InherentRiskProfile(hot_wallet_percent=35, third_party_signing_software=True)
    cx = domain_targets(profile)["cx"]
    assert (cx.points, cx.target, cx.rating) == (4, 5, 3)
    with language("en"):
        text = domain_targets(profile)["cx"].explanation("CX")
    assert text.startswith("Your target for CX is 5 because")
    assert "35% of assets are in hot wallets (+2)" in text
    assert "third-party signing software is used (+2)" in text
    with language("ja"):
        japanese = domain_targets(profile)["cx"].explanation("暗号資産特有")
    assert "暗号資産特有" in japanese and "5" in japanese and "35%" in japanese


def test_outsourced_wallet_operations_raise_third_party_risk_to_four() -> None:
    assert domain_targets(InherentRiskProfile(outsourced_wallet_operations=True))["tp"].target == 4


@pytest.mark.parametrize(("points", "target"), [(0, 3), (1, 3), (2, 4), (3, 4), (4, 5), (9, 5)])
def test_points_to_target_rule(points: int, target: int) -> None:
    assert target_for_points(points) == target


def test_impossible_profile_answers_are_rejected() -> None:
    with pytest.raises(ValueError, match="hot_wallet_percent"):
        InherentRiskProfile(hot_wallet_percent=120)


@given(profiles)
def test_targets_stay_between_three_and_five_and_every_raise_has_a_reason(
    profile: InherentRiskProfile,
) -> None:
    for target in domain_targets(profile).values():
        assert 3 <= target.target <= 5
        assert target.rating == target.target - 2
        assert (target.target > 3) <= bool(target.reasons)


@given(profiles)
def test_adding_a_risk_factor_never_lowers_a_target(profile: InherentRiskProfile) -> None:
    riskier = InherentRiskProfile(
        **{**profile.__dict__, "past_incidents": True, "cross_border": True, "staking_or_defi": True}
    )
    before, after = domain_targets(profile), domain_targets(riskier)
    assert all(after[d].target >= before[d].target for d in DOMAINS)
