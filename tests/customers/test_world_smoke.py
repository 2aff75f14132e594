from __future__ import annotations


def test_it_builds_the_world(world):
    assert world.alice.user.username == "alice"
    assert world.acme_sub.level_terms.name == "Premium"
