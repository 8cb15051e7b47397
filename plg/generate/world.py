"""Account-level latent state: workspaces, users and CRM firmographics (vectorised)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from plg.generate.config import DAY, GenConfig

CHANNELS = ["organic", "paid_search", "paid_social", "referral", "partner", "content"]
CHANNEL_P = [0.30, 0.20, 0.15, 0.12, 0.08, 0.15]
COUNTRIES = ["US", "GB", "DE", "FR", "CA", "NL", "AU", "ES", "IT", "SE", "IN", "BR", "IE", "JP", "SG"]
COUNTRY_P = [0.42, 0.12, 0.09, 0.06, 0.05, 0.04, 0.04, 0.03, 0.03, 0.02, 0.03, 0.02, 0.02, 0.02, 0.01]
EUR_COUNTRIES = {"DE", "FR", "NL", "ES", "IT", "IE"}
CURRENCIES = ["usd", "eur", "gbp"]
INDUSTRIES = [
    "software",
    "financial_services",
    "retail",
    "healthcare",
    "manufacturing",
    "education",
    "media",
    "professional_services",
    "logistics",
    "nonprofit",
]
INDUSTRY_P = [0.28, 0.10, 0.10, 0.08, 0.08, 0.07, 0.07, 0.12, 0.05, 0.05]
ADJ = [
    "blue",
    "bright",
    "north",
    "silver",
    "rapid",
    "clear",
    "golden",
    "green",
    "prime",
    "red",
    "swift",
    "urban",
    "quiet",
    "bold",
    "true",
    "next",
    "open",
    "high",
    "deep",
    "smart",
]
NOUN = [
    "harbor",
    "peak",
    "river",
    "labs",
    "works",
    "forge",
    "stack",
    "wave",
    "field",
    "stone",
    "bridge",
    "cloud",
    "path",
    "point",
    "grid",
    "leaf",
    "signal",
    "spark",
    "metric",
    "orbit",
]
SUFFIX = ["Analytics", "Labs", "Group", "Systems", "Co", "Partners", "Digital", "Solutions"]
TLD = [".com", ".io", ".co", ".net", ".ai"]
FIRST = [
    "anna",
    "ben",
    "carla",
    "david",
    "emma",
    "felix",
    "grace",
    "hugo",
    "ines",
    "jack",
    "kate",
    "liam",
    "maya",
    "noah",
    "olga",
    "paul",
    "quinn",
    "rosa",
    "sam",
    "tara",
    "umar",
    "vera",
    "will",
    "xena",
    "yusuf",
    "zoe",
    "lena",
    "marco",
    "nina",
    "oscar",
]
LAST = [
    "smith",
    "jones",
    "garcia",
    "muller",
    "martin",
    "brown",
    "rossi",
    "dubois",
    "kim",
    "nguyen",
    "patel",
    "silva",
    "novak",
    "jensen",
    "walsh",
    "kowalski",
    "santos",
    "meyer",
    "fischer",
    "lopez",
]


def seg_of(emp: np.ndarray) -> np.ndarray:
    """0 SMB (<50), 1 mid-market (50-499), 2 enterprise (>=500), 3 unknown (null = -1)."""
    return np.where(emp < 0, 3, np.where(emp < 50, 0, np.where(emp < 500, 1, 2))).astype(np.int8)


@dataclass
class World:
    n: int
    signup: np.ndarray  # int64 seconds
    channel: np.ndarray
    internal: np.ndarray
    trial: np.ndarray
    trial_len: np.ndarray
    eng: np.ndarray
    n7: np.ndarray  # teammates created within 7 days
    has_company: np.ndarray
    emp: np.ndarray  # latest employee_count, -1 = null
    seg: np.ndarray
    country: np.ndarray
    industry: np.ndarray
    currency: np.ndarray
    domain: pa.Array  # string per account
    # users (sorted by account, created)
    u_acc: np.ndarray = None
    u_created: np.ndarray = None
    u_role: np.ndarray = None  # 0 owner, 1 admin, 2 member
    u_inviter: np.ndarray = None  # user index or -1
    u_first: np.ndarray = None
    u_last: np.ndarray = None
    u_start: np.ndarray = None  # first user index of each account
    u_count: np.ndarray = None
    # filled by the event chunks
    pes: np.ndarray = None
    tier: np.ndarray = None  # 0 low, 1 medium, 2 high
    conv_ts: np.ndarray = None  # -1 = no conversion
    first_core_ts: np.ndarray = None
    extra: dict = field(default_factory=dict)


def build_world(cfg: GenConfig, rng: np.random.Generator) -> World:
    n = cfg.n_accounts()
    start, end = cfg.start_ts, cfg.end_ts
    span = end - start
    g = cfg.signup_growth
    u = rng.random(n)
    frac = np.log1p(u * np.expm1(g)) / g if g > 0 else u
    day = np.floor(frac * (span // DAY)).astype(np.int64)
    tod = np.clip(rng.normal(15.0, 3.5, n), 0, 23.99) * 3600
    signup = np.sort(start + day * DAY + tod.astype(np.int64))
    signup = np.minimum(signup, end - 3600)

    channel = rng.choice(len(CHANNELS), size=n, p=CHANNEL_P).astype(np.int8)
    internal = rng.random(n) < cfg.internal_rate
    trial = rng.random(n) < cfg.trial_rate
    trial_len = rng.choice(np.array([14, 21, 30]), size=n, p=[0.5, 0.2, 0.3]).astype(np.int16)

    # firmographics: skewed employee counts
    band = rng.choice(3, size=n, p=[0.72, 0.22, 0.06])
    lo = np.array([1, 50, 500])[band]
    hi = np.array([50, 500, 20000])[band]
    emp = np.floor(np.exp(np.log(lo) + rng.random(n) ** 1.6 * (np.log(hi) - np.log(lo)))).astype(np.int64)
    emp = np.clip(emp, lo, hi - 1)
    has_company = rng.random(n) < cfg.company_match_rate
    emp = np.where(rng.random(n) < cfg.null_employee_rate, -1, emp)
    emp = np.where(has_company, emp, -1)
    seg = seg_of(emp)
    country = rng.choice(len(COUNTRIES), size=n, p=np.array(COUNTRY_P) / sum(COUNTRY_P)).astype(np.int8)
    cnames = np.array(COUNTRIES)[country]
    currency = np.where(cnames == "GB", 2, np.where(np.isin(cnames, list(EUR_COUNTRIES)), 1, 0)).astype(np.int8)
    industry = rng.choice(len(INDUSTRIES), size=n, p=INDUSTRY_P).astype(np.int8)

    # teammates within 7 days: 0 / 1-2 / 3+ (more in larger companies)
    big = (emp >= 50).astype(float)
    r = rng.random(n)
    p0 = 0.47 - 0.12 * big
    p12 = 0.34
    n7 = np.where(r < p0, 0, np.where(r < p0 + p12, 1 + (rng.random(n) < 0.45), 3 + rng.poisson(1.2, n)))
    n7 = n7.astype(np.int64)
    n_later = rng.poisson(0.3 + 0.5 * big + 0.2 * (n7 > 0), n)

    a = np.where(trial, cfg.eng_beta_trial_a, cfg.eng_beta_free_a)
    b = np.where(trial, cfg.eng_beta_trial_b, cfg.eng_beta_free_b)
    eng = rng.beta(a, b)
    eng = np.clip(eng + 0.06 * np.minimum(n7, 3), 0, 1)

    # domains: <adj><noun><n><tld>
    ai = rng.integers(0, len(ADJ), n)
    ni = rng.integers(0, len(NOUN), n)
    ti = rng.choice(len(TLD), size=n, p=[0.6, 0.15, 0.1, 0.1, 0.05])
    domain = pc.binary_join_element_wise(
        pa.array(ADJ).take(pa.array(ai)),
        pa.array(NOUN).take(pa.array(ni)),
        pc.cast(pa.array(np.arange(1, n + 1)), pa.string()),
        pa.array(TLD).take(pa.array(ti)),
        "",
    )

    w = World(
        n=n,
        signup=signup,
        channel=channel,
        internal=internal,
        trial=trial,
        trial_len=trial_len,
        eng=eng,
        n7=n7,
        has_company=has_company,
        emp=emp,
        seg=seg,
        country=country,
        industry=industry,
        currency=currency,
        domain=domain,
    )
    w.extra.update(ai=ai, ni=ni, suffix=rng.integers(0, len(SUFFIX), n))

    # users: owner + n7 teammates (< 7 days) + later teammates
    cnt = 1 + n7 + n_later
    u_acc = np.repeat(np.arange(n), cnt)
    pos = np.arange(len(u_acc)) - np.repeat(np.cumsum(cnt) - cnt, cnt)
    off = np.zeros(len(u_acc), dtype=np.int64)
    n7r = np.repeat(n7, cnt)
    is7 = (pos >= 1) & (pos <= n7r)
    off[is7] = (rng.random(is7.sum()) * (7 * DAY - 120)).astype(np.int64) + 60
    isl = pos > n7r
    off[isl] = 7 * DAY + (rng.exponential(90, isl.sum()) * DAY).astype(np.int64)
    created = signup[u_acc] + off
    keep = created < end
    u_acc, created, pos = u_acc[keep], created[keep], pos[keep]
    order = np.lexsort((created, u_acc))
    u_acc, created, pos = u_acc[order], created[order], pos[order]
    nu = len(u_acc)
    u_count = np.bincount(u_acc, minlength=n)
    u_start = np.cumsum(u_count) - u_count
    role = np.where(pos == 0, 0, np.where(rng.random(nu) < 0.2, 1, 2)).astype(np.int8)
    inviter = np.where(pos == 0, -1, u_start[u_acc]).astype(np.int64)
    # some invited by an admin: the previous user when that one is an admin
    prev_admin = np.zeros(nu, dtype=bool)
    prev_admin[1:] = (role[:-1] == 1) & (u_acc[:-1] == u_acc[1:])
    inviter = np.where(prev_admin & (pos > 0) & (rng.random(nu) < 0.5), np.arange(nu) - 1, inviter)
    w.u_acc, w.u_created, w.u_role, w.u_inviter = u_acc, created, role, inviter
    w.u_first = rng.integers(0, len(FIRST), nu).astype(np.int16)
    w.u_last = rng.integers(0, len(LAST), nu).astype(np.int16)
    w.u_start, w.u_count = u_start, u_count
    w.pes = np.zeros(n)
    w.tier = np.zeros(n, dtype=np.int8)
    w.conv_ts = np.full(n, -1, dtype=np.int64)
    w.first_core_ts = np.full(n, -1, dtype=np.int64)
    return w
