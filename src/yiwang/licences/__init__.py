"""E-licences: seals (SM2 keys), issuing, verification, revocation, renewal, the holder's wallet."""
