"""The chains, their names, the OFAC currency codes, and detection of an address's chain.

``parse(chain, text)`` never raises: it returns the :class:`Address` or an :class:`Invalid`, so a
batch pays no exception per bad address. ``normalise`` raises :class:`AddressError` instead.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Final

from cyberdelta.screening.addresses import bitcoin_family as bf
from cyberdelta.screening.addresses import other_chains as oc
from cyberdelta.screening.addresses.errors import AddressError, Invalid, UnknownChainError
from cyberdelta.screening.addresses.model import Address

Normaliser = Callable[[str], "Address | Invalid"]

EVM_CHAINS: Final = (
    "evm",
    "ethereum",
    "ethereum-classic",
    "bnb-smart-chain",
    "arbitrum",
    "optimism",
    "polygon",
    "avalanche-c",
    "base",
)

NORMALISERS: Final[Mapping[str, Normaliser]] = {
    "bitcoin": bf.BITCOIN,
    "litecoin": bf.LITECOIN,
    "bitcoin-cash": oc.BitcoinCash(bf.BITCOIN_SV),
    "bitcoin-sv": bf.BITCOIN_SV,
    "bitcoin-gold": bf.BITCOIN_GOLD,
    "dash": bf.DASH,
    "verge": bf.VERGE,
    "zcash": oc.zcash,
    "monero": oc.monero,
    "ripple": oc.ripple,
    "tron": oc.tron,
    "solana": oc.solana,
    **{name: oc.EvmChain(name) for name in EVM_CHAINS},
}
CHAINS: Final = tuple(sorted(NORMALISERS))
ALIASES: Final = {
    "btc": "bitcoin",
    "xbt": "bitcoin",
    "eth": "ethereum",
    "etc": "ethereum-classic",
    "bsc": "bnb-smart-chain",
    "bnb": "bnb-smart-chain",
    "arb": "arbitrum",
    "matic": "polygon",
    "ltc": "litecoin",
    "bch": "bitcoin-cash",
    "bsv": "bitcoin-sv",
    "btg": "bitcoin-gold",
    "zec": "zcash",
    "xmr": "monero",
    "xrp": "ripple",
    "xvg": "verge",
    "trx": "tron",
    "sol": "solana",
}

# "Digital Currency Address - XXX" codes on the OFAC SDN list (docs/screening.md, "OFAC"): each
# names the chains its addresses may be on; tokens issued on several chains are told apart by the
# address itself.
OFAC_CURRENCIES: Final[Mapping[str, tuple[str, ...]]] = {
    "XBT": ("bitcoin",),
    "ETH": ("ethereum",),
    "ETC": ("ethereum-classic",),
    "BSC": ("bnb-smart-chain",),
    "ARB": ("arbitrum",),
    "LTC": ("litecoin",),
    "BCH": ("bitcoin-cash",),
    "BSV": ("bitcoin-sv",),
    "BTG": ("bitcoin-gold",),
    "DASH": ("dash",),
    "ZEC": ("zcash",),
    "XMR": ("monero",),
    "XRP": ("ripple",),
    "XVG": ("verge",),
    "TRX": ("tron",),
    "SOL": ("solana",),
    "USDT": ("ethereum", "tron", "bitcoin", "solana"),  # Omni-layer USDT uses Bitcoin addresses
    "USDC": ("ethereum", "tron", "solana"),
}


def chain_name(chain: str) -> str:
    """The registered name of ``chain`` (case and common codes forgiven), or raise."""
    name = chain.strip().lower()
    name = ALIASES.get(name, name)
    if name not in NORMALISERS:
        raise UnknownChainError(chain, CHAINS)
    return name


def chain_for_currency(code: str) -> tuple[str, ...]:
    """The chains an OFAC currency code may mean; an unknown code is a chain of its own,
    ``currency:CODE``, whose addresses are checked for shape only."""
    return OFAC_CURRENCIES.get(code.strip().upper(), (f"currency:{code.strip().upper()}",))


def normaliser(chain: str) -> Normaliser:
    if chain.startswith("currency:"):
        return oc.Unvalidated(chain)
    return NORMALISERS[chain_name(chain)]


def parse(chain: str | None, text: str) -> Address | Invalid:
    """The address ``text`` on ``chain`` (detected when None), or why it is not valid."""
    value = text.strip()
    if chain is None:
        return detect(value)
    return normaliser(chain)(value)


def parse_any(chains: tuple[str, ...], text: str) -> Address | Invalid:
    """The address on the first of ``chains`` it is valid on, else why it fails on the first."""
    value = text.strip()
    first: Invalid | None = None
    for chain in chains:
        found = normaliser(chain)(value)
        if isinstance(found, Address):
            return found
        first = first or found
    return first or Invalid(None, "unrecognised")


def normalise(chain: str | None, text: str) -> Address:
    """The address ``text`` on ``chain`` (detected when None); raise :class:`AddressError`."""
    found = parse(chain, text)
    if isinstance(found, Invalid):
        raise AddressError(text, found)
    return found


def _candidates(text: str) -> tuple[Normaliser, ...]:
    """The normalisers worth trying for ``text``, from its prefix and length (cheap; no decoding).
    The commonest shapes (0x…, 1…, 3…, T…) are decided on the first character alone."""
    first = text[0]
    length = len(text)
    if first == "0":
        return EVM_ONLY if text[1:2] in ("x", "X") else ()
    if first in "13" and length <= 35:
        return BITCOIN_ONLY
    if first == "T" and length == 34:
        return TRON_ONLY
    head = text[:6].lower()
    if head.startswith(("bc1", "tb1", "bcrt1")):
        return (bf.BITCOIN,)
    if head.startswith(("ltc1", "tltc1", "rltc1")):
        return (bf.LITECOIN,)
    if head.startswith(("btg1", "tbtg1")):
        return (bf.BITCOIN_GOLD,)
    if head.startswith(("zs1", "u1", "tex1", "zc", "t1", "t3", "ztests", "utest1", "textes")):
        return (oc.zcash,)
    if ":" in text or (head[:1] in ("q", "p") and length == 42):
        return (NORMALISERS["bitcoin-cash"],)
    if head.startswith("41") and length == 42:
        return (oc.tron,)
    if first == "r" or (first in "XT" and length == 47):
        return (oc.ripple,)
    if (first == "4" and length in (95, 106)) or (first == "8" and length == 95):
        return (oc.monero,)
    return BY_FIRST_CHARACTER.get(first, ())


EVM_ONLY: Final[tuple[Normaliser, ...]] = (NORMALISERS["evm"],)
BITCOIN_ONLY: Final[tuple[Normaliser, ...]] = (bf.BITCOIN,)
TRON_ONLY: Final[tuple[Normaliser, ...]] = (oc.tron,)
BY_FIRST_CHARACTER: Final[Mapping[str, tuple[Normaliser, ...]]] = {
    "1": (bf.BITCOIN,),
    "3": (bf.BITCOIN,),
    "m": (bf.BITCOIN,),
    "n": (bf.BITCOIN,),
    "2": (bf.BITCOIN,),
    "L": (bf.LITECOIN,),
    "M": (bf.LITECOIN,),
    "G": (bf.BITCOIN_GOLD,),
    "A": (bf.BITCOIN_GOLD,),
    "X": (bf.DASH,),
    "7": (bf.DASH,),
    "D": (bf.VERGE,),
    "E": (bf.VERGE,),
}


def detect(text: str) -> Address | Invalid:
    """The chain of an address written without one: its prefix and length choose the candidate
    chains, the first on which it is valid wins, and a Base58 string of 32 to 44 characters that
    fits none of them is tried as a Solana key. A legacy 1…/3… address is taken as Bitcoin's
    (Bitcoin Cash and Bitcoin SV share those version bytes: give the chain to screen it there)."""
    if not text:
        return Invalid(None, "empty")
    first: Invalid | None = None
    for candidate in _candidates(text):
        found = candidate(text)
        if isinstance(found, Address):
            return found
        first = first or found
    # A checksum failure means the text decoded to the candidate's length, which is not a Solana
    # key's 32 bytes; only other failures are worth a second decoding as Solana.
    if 32 <= len(text) <= 44 and (first is None or first.reason != "checksum"):
        found = oc.solana(text)
        if isinstance(found, Address):
            return found
    return first or Invalid(None, "unrecognised")
