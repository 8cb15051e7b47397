"""Landing shapes and connections (issue 11): derive the connectors' shapes from the native landing.

The generator always simulates one world and writes its native tables first (byte-identical to before);
then, on request:
- `--connections N` splits the Stripe world over N connections: schemas <stripe schema>_c1 .. _cN
  (customers by a hash of their id; subscriptions, invoices, lines, charges and refunds follow their parent;
  every row of one id goes to one connection; products and prices are copied to every connection, as every
  Stripe account has its own catalogue). The unsplit schema is dropped.
- `--landing-format fivetran_stripe` rewrites each Stripe connection as the Fivetran Stripe connector lands
  it (plg.landing_shapes.FIVETRAN_STRIPE), from the same rows, with the same faults, plus
  Fivetran-only faults: soft-deleted rows (`_fivetran_deleted`), invoice line `id`s that repeat across
  invoices (the key is `unique_id`), lines whose price is only on their `subscription_item`.
- `--connections N` splits the product world too (schemas <product schema>_c1 .. _cN, by a hash of the account;
  ids not qualified), and `--landing-format segment` rewrites each product connection as Segment's warehouse
  connector lands it (tracks + one table per event, identifies, groups; see to_segment).
- `--connections N` splits the CRM world too (schemas <crm schema>_c1 .. _cN, by a hash of the company id;
  activities follow their company), and `--landing-format fivetran_hubspot` rewrites each CRM connection as the
  Fivetran HubSpot connector lands it (company, engagement + typed tables, engagement_company; see to_hubspot).
Everything is SQL over the DuckDB file, so it is deterministic for a seed.
"""

from __future__ import annotations

from plg.landing_schema import LANDING_TABLES, SOURCE_SCHEMAS
from plg.landing_shapes import FIVETRAN_HUBSPOT, FIVETRAN_STRIPE, SEGMENT

FORMATS = ("native", "fivetran_stripe", "segment", "fivetran_hubspot")
IMPLEMENTED = ("native", "fivetran_stripe", "segment", "fivetran_hubspot")
STRIPE_TABLES = [t for (s, t) in LANDING_TABLES if s == "stripe"]


def parse_formats(value: str | None) -> dict[str, str]:
    """'fivetran_stripe,segment' -> {'stripe': 'fivetran_stripe', ...}; native for the rest."""
    from plg.landing_shapes import SYSTEM_OF_SHAPE

    chosen: dict[str, str] = {}
    for part in (value or "native").replace(" ", "").split(","):
        if not part:
            continue
        if part not in FORMATS:
            raise SystemExit(f"--landing-format: unknown shape {part!r} (one or more of {', '.join(FORMATS)})")
        if part not in IMPLEMENTED:
            raise SystemExit(f"--landing-format: {part} is not implemented yet (implemented: {', '.join(IMPLEMENTED)})")
        system = SYSTEM_OF_SHAPE[part]
        if system is not None:
            chosen[system] = part
    return chosen


def stripe_schemas(connections: int) -> list[str]:
    base = SOURCE_SCHEMAS["stripe"]
    return [base] if connections <= 1 else [f"{base}_c{k}" for k in range(1, connections + 1)]


def split_stripe(con, n: int) -> list[str]:
    """Split raw_stripe over n connection schemas (see the module docstring); return the schemas."""
    src = SOURCE_SCHEMAS["stripe"]
    if n <= 1:
        return [src]
    h = lambda expr: f"(hash({expr}) % {n}) + 1"  # noqa: E731
    con.execute(f"""
        create or replace temp table _conn_customer as
        select id, {h("id")} as conn from (select distinct id from {src}.customers where id is not null)""")
    con.execute(f"""
        create or replace temp table _conn_subscription as
        select s.id, coalesce(min(c.conn), {h("s.id")}) as conn
        from {src}.subscriptions s left join _conn_customer c on s.customer_id = c.id
        where s.id is not null group by s.id""")
    con.execute(f"""
        create or replace temp table _conn_invoice as
        select i.id, coalesce(min(c.conn), min(s.conn), {h("i.id")}) as conn
        from {src}.invoices i
        left join _conn_customer c on i.customer_id = c.id
        left join _conn_subscription s on i.subscription_id = s.id
        where i.id is not null group by i.id""")
    con.execute(f"""
        create or replace temp table _conn_charge as
        select ch.id, coalesce(min(i.conn), min(c.conn), {h("ch.id")}) as conn
        from {src}.charges ch
        left join _conn_invoice i on ch.invoice_id = i.id
        left join _conn_customer c on ch.customer_id = c.id
        where ch.id is not null group by ch.id""")
    # row -> connection: by the row's own id when it has one, else by its parent, else connection 1
    row_conn = {
        "customers": ("_conn_customer", "1"),
        "subscriptions": ("_conn_subscription", "(select conn from _conn_customer c where c.id = t.customer_id)"),
        "invoices": ("_conn_invoice", "(select conn from _conn_customer c where c.id = t.customer_id)"),
        "charges": ("_conn_charge", "(select conn from _conn_invoice i where i.id = t.invoice_id)"),
    }
    con.execute(f"""
        create or replace temp table _conn_line as
        select l.id, coalesce(min(i.conn), min(s.conn), {h("l.id")}) as conn
        from {src}.invoice_line_items l
        left join _conn_invoice i on l.invoice_id = i.id
        left join _conn_subscription s on l.subscription_id = s.id
        where l.id is not null group by l.id""")
    con.execute(f"""
        create or replace temp table _conn_refund as
        select r.id, coalesce(min(ch.conn), {h("r.id")}) as conn
        from {src}.refunds r left join _conn_charge ch on r.charge_id = ch.id
        where r.id is not null group by r.id""")
    row_conn["invoice_line_items"] = ("_conn_line", "(select conn from _conn_invoice i where i.id = t.invoice_id)")
    row_conn["refunds"] = ("_conn_refund", "(select conn from _conn_charge ch where ch.id = t.charge_id)")
    schemas = stripe_schemas(n)
    for k, schema in enumerate(schemas, start=1):
        con.execute(f"create schema if not exists {schema}")
        for table in STRIPE_TABLES:
            con.execute(f"drop table if exists {schema}.{table}")
            if table in ("products", "prices"):
                con.execute(f"create table {schema}.{table} as select * from {src}.{table}")
                continue
            mapping, fallback = row_conn[table]
            con.execute(f"""
                create table {schema}.{table} as
                select t.* from {src}.{table} t
                left join {mapping} m on t.id = m.id
                where coalesce(m.conn, {fallback}, 1) = {k}""")
    for table in STRIPE_TABLES:
        con.execute(f"drop table if exists {src}.{table}")
    return schemas


SYNCED = "timestamp '2026-11-01 00:00:00'"


def _fivetran_select(table: str) -> str:
    """SELECT list (in FIVETRAN_STRIPE order) of one Fivetran table from the native table `n`."""
    exprs = {
        "customer": {
            "balance": "cast(0 as bigint)",
            "delinquent": "false",
            "description": "cast(null as varchar)",
            "name": "cast(null as varchar)",
        },
        "product": {
            "created": "cast(null as timestamp)",
            "description": "cast(null as varchar)",
            "is_deleted": "false",
            "type": "'service'",
            "updated": "cast(null as timestamp)",
        },
        "price": {
            "billing_scheme": "'per_unit'",
            "created": "cast(null as timestamp)",
            "is_deleted": "false",
            "nickname": "cast(null as varchar)",
            "recurring_interval_count": "cast(recurring_interval_count as bigint)",
            "recurring_usage_type": "'licensed'",
            "type": "'recurring'",
        },
        "subscription": {
            "billing_cycle_anchor": "current_period_start",
            "cancel_at": "cast(null as timestamp)",
            "cancel_at_period_end": "false",
            "metadata": "'{}'",
        },
        "invoice": {
            "amount_remaining": "amount_due - amount_paid",
            "attempt_count": "cast(1 as bigint)",
            "due_date": "cast(null as timestamp)",
            "is_deleted": "false",
            "number": "cast(null as varchar)",
            "paid": "(status = 'paid')",
            "status_transitions_paid_at": "paid_at",
            "subtotal": "total",
        },
        "charge": {
            "amount_refunded": "cast(0 as bigint)",
            "captured": "(status = 'succeeded')",
            "failure_code": "case when status = 'failed' then 'card_declined' end",
            "paid": "(status = 'succeeded')",
            "refunded": "false",
        },
        "refund": {"reason": "'requested_by_customer'"},
    }[table]
    cols = []
    for name, sql_type in FIVETRAN_STRIPE[table]:
        if name == "_fivetran_synced":
            e = SYNCED
        elif name == "_fivetran_deleted":
            e = "false"
        elif name == "livemode":
            e = "true"
        else:
            e = exprs.get(name, name)
        cols.append(f"cast({e} as {sql_type}) as {name}")
    return ", ".join(cols)


def to_fivetran_stripe(con, schema: str) -> None:
    """Rewrite one Stripe connection schema from the native tables to the Fivetran Stripe tables."""
    simple = {
        "customer": "customers",
        "product": "products",
        "price": "prices",
        "subscription": "subscriptions",
        "invoice": "invoices",
        "charge": "charges",
        "refund": "refunds",
    }
    for ft, native in simple.items():
        con.execute(f"drop table if exists {schema}.{ft}")
        con.execute(f"create table {schema}.{ft} as select {_fivetran_select(ft)} from {schema}.{native}")
    si = "'si_' || substr(md5(subscription_id || '|' || price_id), 1, 14)"
    con.execute(f"drop table if exists {schema}.subscription_item")
    con.execute(f"""
        create table {schema}.subscription_item as
        select cast({si} as varchar) as id, {SYNCED} as _fivetran_synced, false as _fivetran_deleted,
               min(period_start) as created, cast('{{}}' as varchar) as metadata, price_id as plan_id,
               cast(max(quantity) as bigint) as quantity, subscription_id
        from {schema}.invoice_line_items
        where lower(trim(type)) = 'subscription' and subscription_id is not null and price_id is not null
        group by subscription_id, price_id
        order by id""")
    # lines: `id` is the subscription item id for subscription lines (repeats across invoices, as older
    # Stripe API versions land it), unique_id the line's own id; 1 line in 20 has its price only on its item.
    con.execute(f"drop table if exists {schema}.invoice_line_item")
    item_id_of_line = si.replace("subscription_id", "n.subscription_id").replace("price_id", "n.price_id")
    con.execute(f"""
        create table {schema}.invoice_line_item as
        with l as (
            select n.*,
                   case when lower(trim(n.type)) = 'subscription' and n.subscription_id is not null
                             and n.price_id is not null then {item_id_of_line}
                   end as item_id
            from {schema}.invoice_line_items n
        )
        select cast(case when id is null then null else coalesce(item_id, id) end as varchar) as id,
               {SYNCED} as _fivetran_synced, false as _fivetran_deleted,
               amount, currency, cast(null as varchar) as description, true as discountable, invoice_id,
               true as livemode, period_end, period_start,
               case when item_id is not null and hash(id) % 20 = 0 then null else price_id end as plan_id,
               proration, cast(quantity as bigint) as quantity, subscription_id, item_id as subscription_item_id,
               type, id as unique_id
        from l""")
    # Fivetran-only fault: rows deleted at the source, kept by the connector with _fivetran_deleted = true.
    # Copies of real rows under new ids: staging must leave every one of them out (else MRR, revenue and
    # customer counts move).
    con.execute(f"""
        insert into {schema}.invoice_line_item
        select id || '_del', _fivetran_synced, true, amount * 3, currency, description, discountable, invoice_id,
               livemode, period_end, period_start, plan_id, proration, quantity, subscription_id,
               subscription_item_id, type, unique_id || '_del'
        from {schema}.invoice_line_item
        where unique_id is not null and amount > 0 and hash(unique_id) % 25 = 0""")
    for ft, cond in (
        ("invoice", "status = 'paid' and hash(id) % 25 = 0"),
        ("charge", "status = 'succeeded' and hash(id) % 25 = 0"),
        ("customer", "hash(id) % 40 = 0"),
        ("subscription", "hash(id) % 40 = 0"),
        ("refund", "hash(id) % 10 = 0"),
    ):
        cols = [c for c, _ in FIVETRAN_STRIPE[ft]]
        sel = ", ".join("id || '_del'" if c == "id" else ("true" if c == "_fivetran_deleted" else c) for c in cols)
        con.execute(f"insert into {schema}.{ft} select {sel} from {schema}.{ft} where id is not null and {cond}")
    con.execute(f"""
        insert into {schema}.subscription_item
        select id || '_del', _fivetran_synced, true, created, metadata, plan_id, quantity, subscription_id
        from {schema}.subscription_item where hash(id) % 10 = 0""")
    for native in STRIPE_TABLES:
        con.execute(f"drop table if exists {schema}.{native}")


def reshape(con, landing_format: str | None, connections: int) -> dict[str, object]:
    """Apply --connections and --landing-format to the native landing in `con`; return what was written."""
    shapes = parse_formats(landing_format)
    schemas = split_stripe(con, connections)
    if shapes.get("stripe") == "fivetran_stripe":
        for schema in schemas:
            to_fivetran_stripe(con, schema)
    p_schemas = split_product(con, connections)
    if shapes.get("product") == "segment":
        for schema in p_schemas:
            to_segment(con, schema)
    c_schemas = split_crm(con, connections)
    if shapes.get("crm") == "fivetran_hubspot":
        for schema in c_schemas:
            to_hubspot(con, schema)
    return {"shapes": shapes, "stripe_schemas": schemas, "product_schemas": p_schemas, "crm_schemas": c_schemas}


# ---------------------------------------------------------------------------------------------------------
# Product (issue 11, Segment): --connections N splits the product world too; --landing-format segment
# rewrites each product connection as Segment's warehouse connector lands it (plg.landing_shapes.SEGMENT).
# ---------------------------------------------------------------------------------------------------------
PRODUCT_TABLES = [t for (s, t) in LANDING_TABLES if s == "product"]


def product_schemas(connections: int) -> list[str]:
    base = SOURCE_SCHEMAS["product"]
    return [base] if connections <= 1 else [f"{base}_c{k}" for k in range(1, connections + 1)]


def split_product(con, n: int) -> list[str]:
    """Split raw_product over n connection schemas by a hash of the account (events and users follow their
    account, an event without one follows its user's; rows without any go to connection 1). Ids are not
    qualified: every row of one account lands in one connection."""
    src = SOURCE_SCHEMAS["product"]
    if n <= 1:
        return [src]
    acc = lambda expr: f"(hash({expr}) % {n}) + 1"  # noqa: E731
    con.execute(f"""
        create or replace temp table _conn_user as
        select user_id, min(account_id) as account_id from {src}.users where user_id is not null group by user_id""")
    events_account = "coalesce(t.account_id, (select u.account_id from _conn_user u where u.user_id = t.user_id))"
    conn_of = {
        "accounts": f"coalesce({acc('t.account_id')}, 1)",
        "users": f"coalesce({acc('t.account_id')}, 1)",
        "events": f"coalesce({acc(events_account)}, 1)",
    }
    schemas = product_schemas(n)
    for k, schema in enumerate(schemas, start=1):
        con.execute(f"create schema if not exists {schema}")
        for table in PRODUCT_TABLES:
            con.execute(f"drop table if exists {schema}.{table}")
            con.execute(
                f"create table {schema}.{table} as select t.* from {src}.{table} t where {conn_of[table]} = {k}"
            )
    for table in PRODUCT_TABLES:
        con.execute(f"drop table if exists {src}.{table}")
    return schemas


def _snake(expr: str) -> str:
    """Segment's table name of an event (go-snakecase, for the names the world lands: trim, lower, spaces)."""
    return f"replace(lower(trim({expr})), ' ', '_')"


def to_segment(con, schema: str) -> None:
    """Rewrite one product connection schema from the native tables to Segment's warehouse tables."""
    lib = "'analytics.js' as context_library_name, '4.1.0' as context_library_version"
    # one row per delivered track call; the same faults (names as sent, skewed client clocks, re-deliveries)
    con.execute(f"""
        create or replace temp table _seg as
        select event_id as id,
               case when user_id is null then 'anon_' || substr(md5(coalesce(event_id, '')), 1, 12) end as anonymous_id,
               user_id, event_name as event, event_name as event_text, account_id as context_group_id,
               {lib},
               occurred_at as original_timestamp, occurred_at as sent_at, received_at as timestamp,
               received_at, received_at as uuid_ts, properties as p
        from {schema}.events""")
    track_cols = [c for c, _ in SEGMENT["tracks"]]
    con.execute(f"drop table if exists {schema}.tracks")
    con.execute(f"create table {schema}.tracks as select {', '.join(track_cols)} from _seg")
    # one table per event (properties as columns; a column only where a value was sent). A properties text
    # that is not JSON cannot pass Segment's API: such calls have no row in their event's table.
    con.execute(f"""
        create or replace temp table _seg_props as
        select *, {_snake("event")} as event_table,
               json_extract_string(p, '$.feature') as feature,
               try_cast(json_extract_string(p, '$.invitee_count') as bigint) as invitee_count,
               json_extract_string(p, '$.path') as path, json_extract_string(p, '$.plan') as plan,
               json_extract_string(p, '$.limit') as "limit", json_extract_string(p, '$.source') as source
        from _seg
        where nullif(trim(event), '') is not null and (p is null or json_valid(p))""")
    tables = [r[0] for r in con.execute("select distinct event_table from _seg_props order by 1").fetchall()]
    for table in tables:
        props = [
            c
            for c in ("feature", "invitee_count", "path", "plan", "limit", "source")
            if con.execute(f'select count("{c}") from _seg_props where event_table = ?', [table]).fetchone()[0]
        ]
        cols = ", ".join([*track_cols, *[f'"{c}"' for c in props]])
        con.execute(f'drop table if exists {schema}."{table}"')
        con.execute(f'create table {schema}."{table}" as select {cols} from _seg_props where event_table = ?', [table])
    # users: one row per identify call (traits as columns)
    con.execute(f"drop table if exists {schema}.identifies")
    con.execute(f"""
        create table {schema}.identifies as
        select 'idf_' || substr(md5(concat_ws('|', user_id, account_id, email, role, invited_by_user_id,
                                               cast(created_at as varchar))), 1, 16) as id,
               cast(null as varchar) as anonymous_id, user_id, {lib},
               created_at as original_timestamp, created_at as sent_at, created_at as timestamp,
               created_at as received_at, created_at as uuid_ts,
               email, role, account_id, invited_by_user_id, created_at
        from {schema}.users""")
    # workspaces: one row per group call (group_id = account_id, traits as columns)
    con.execute(f"drop table if exists {schema}.groups")
    con.execute(f"""
        create table {schema}.groups as
        select 'grp_' || substr(md5(concat_ws('|', account_id, cast(created_at as varchar), created_by_user_id,
                                               signup_channel, cast(is_internal as varchar))), 1, 16) as id,
               cast(null as varchar) as anonymous_id, created_by_user_id as user_id, account_id as group_id, {lib},
               created_at as original_timestamp, created_at as sent_at, created_at as timestamp,
               created_at as received_at, created_at as uuid_ts,
               created_at, signup_channel, is_internal, created_by_user_id
        from {schema}.accounts""")
    for native in PRODUCT_TABLES:
        con.execute(f"drop table if exists {schema}.{native}")


# ---------------------------------------------------------------------------------------------------------
# CRM (issue 11, HubSpot): --connections N splits the CRM world; --landing-format fivetran_hubspot rewrites each
# CRM connection as the Fivetran HubSpot connector lands it (plg.landing_shapes.FIVETRAN_HUBSPOT).
# ---------------------------------------------------------------------------------------------------------
CRM_TABLES = [t for (s, t) in LANDING_TABLES if s == "crm"]


def crm_schemas(connections: int) -> list[str]:
    base = SOURCE_SCHEMAS["crm"]
    return [base] if connections <= 1 else [f"{base}_c{k}" for k in range(1, connections + 1)]


def split_crm(con, n: int) -> list[str]:
    """Split raw_crm over n connection schemas by a hash of the company id (activities follow their company;
    rows without one go to connection 1). Every version of one company lands in one connection."""
    src = SOURCE_SCHEMAS["crm"]
    if n <= 1:
        return [src]
    schemas = crm_schemas(n)
    for k, schema in enumerate(schemas, start=1):
        con.execute(f"create schema if not exists {schema}")
        for table in CRM_TABLES:
            con.execute(f"drop table if exists {schema}.{table}")
            con.execute(
                f"create table {schema}.{table} as select t.* from {src}.{table} t "
                f"where coalesce((hash(t.company_id) % {n}) + 1, 1) = {k}"
            )
    for table in CRM_TABLES:
        con.execute(f"drop table if exists {src}.{table}")
    return schemas


def _hubspot_id(expr: str) -> str:
    """HubSpot ids are integers: the native 'cmp_0000042' / 'act_00000123' land as 42 / 123."""
    return f"cast(substr({expr}, 5) as bigint)"


# The version of a company native staging keeps (base_crm__companies: latest updated_at, then the documented
# tie-breaks and the landed-row hash): the state HubSpot holds, since the connector upserts by id.
_KEPT_COMPANY = """
    select * exclude (rn) from (
        select c.*, row_number() over (
            partition by company_id
            order by updated_at desc nulls last, account_id asc nulls last, employee_count asc nulls last,
                     trim(name) asc nulls last, lower(trim(industry)) asc nulls last,
                     upper(trim(country)) asc nulls last,
                     md5(concat_ws('|', coalesce(cast(account_id as varchar), '<null>'),
                                   coalesce(cast(company_id as varchar), '<null>'),
                                   coalesce(cast(country as varchar), '<null>'),
                                   coalesce(cast(domain as varchar), '<null>'),
                                   coalesce(cast(employee_count as varchar), '<null>'),
                                   coalesce(cast(industry as varchar), '<null>'),
                                   coalesce(cast(name as varchar), '<null>'),
                                   coalesce(cast(updated_at as varchar), '<null>'))) asc) as rn
        from {schema}.companies c where company_id is not null) where rn = 1"""

# native activity type -> (HubSpot engagement type, typed table, meeting title)
_ENGAGEMENT_OF = {
    "demo": ("MEETING", "engagement_meeting", "Demo"),
    "meeting": ("MEETING", "engagement_meeting", "Discovery meeting"),
    "call": ("CALL", "engagement_call", None),
    "email": ("EMAIL", "engagement_email", None),
    "nurture_email": ("EMAIL", "engagement_email", None),
    "in_app_message": ("NOTE", "engagement_note", None),
}


def to_hubspot(con, schema: str) -> None:
    """Rewrite one CRM connection schema from the native tables to the Fivetran HubSpot tables. What HubSpot
    cannot land is not written: company versions other than the kept one (the connector upserts), rows without
    an id (HubSpot ids are never null). HubSpot-only faults: companies deleted in HubSpot (is_deleted) and
    deleted engagements (_fivetran_deleted on the typed row), both as copies under new ids; TASK engagements
    (not touches); half the engagements as a pre-v3 connector lands them (owner and time on `engagement`), half
    as v3 (on the typed table)."""
    cols = {t: [c for c, _ in FIVETRAN_HUBSPOT[t]] for t in FIVETRAN_HUBSPOT}
    con.execute(f"""
        create or replace temp table _hs_company as
        select {_hubspot_id("company_id")} as id, {SYNCED} as _fivetran_synced, cast(7001 as bigint) as portal_id,
               false as is_deleted, name as property_name, domain as property_domain, industry as property_industry,
               country as property_country, cast(employee_count as double) as property_numberofemployees,
               created as property_createdate, updated_at as property_hs_lastmodifieddate,
               account_id as property_account_id
        from ({_KEPT_COMPANY.format(schema=schema)}) k
        join (select company_id as cid, min(updated_at) as created from {schema}.companies group by 1) f
          on f.cid = k.company_id""")
    con.execute(f"drop table if exists {schema}.company")
    con.execute(f"""
        create table {schema}.company as
        select {", ".join(cols["company"])} from _hs_company
        union all
        select id + 900000000, _fivetran_synced, portal_id, true, property_name, property_domain, property_industry,
               property_country, property_numberofemployees * 4, property_createdate, property_hs_lastmodifieddate,
               property_account_id
        from _hs_company where hash(id) % 40 = 0
        order by 1""")

    def cases(i: int) -> str:
        return " ".join(f"when '{k}' then {repr(v[i]) if v[i] else 'null'}" for k, v in _ENGAGEMENT_OF.items())

    con.execute(f"""
        create or replace temp table _hs_eng as
        select {_hubspot_id("activity_id")} as id, {_hubspot_id("company_id")} as company_id,
               case lower(trim(activity_type)) {cases(0)} end as type,
               case lower(trim(activity_type)) {cases(1)} end as typed_table,
               case lower(trim(activity_type)) {cases(2)} end as title,
               case when lower(trim(owner_type)) = 'sales_rep'
                   then cast(5100 + hash(company_id) % 7 as bigint) end as owner_id,
               occurred_at, false as is_deleted
        from {schema}.activities where activity_id is not null""")
    # deleted engagements (copies under new ids) and tasks (not touches)
    con.execute("""
        insert into _hs_eng
        select id + 800000000, company_id, type, typed_table, title, owner_id, occurred_at, true
        from _hs_eng where hash(id) % 25 = 0""")
    con.execute("""
        insert into _hs_eng
        select id + 700000000, company_id, 'TASK', null, null, coalesce(owner_id, 5100), occurred_at, false
        from _hs_eng where id < 700000000 and hash(id) % 20 = 0""")
    v3 = "(hash(id) % 2 = 0)"
    con.execute(f"drop table if exists {schema}.engagement")
    con.execute(f"""
        create table {schema}.engagement as
        select id, {SYNCED} as _fivetran_synced, true as active,
               case when not {v3} then occurred_at end as created_at,
               case when not {v3} then owner_id end as owner_id, cast(7001 as bigint) as portal_id,
               case when not {v3} then occurred_at end as "timestamp", type
        from _hs_eng order by id""")
    con.execute(f"drop table if exists {schema}.engagement_company")
    con.execute(f"""
        create table {schema}.engagement_company as
        select id as engagement_id, company_id, {SYNCED} as _fivetran_synced, 'HUBSPOT_DEFINED' as category
        from _hs_eng order by id""")
    for table in ("engagement_meeting", "engagement_call", "engagement_email", "engagement_note"):
        extra = {
            "engagement_meeting": ", title as property_hs_meeting_title",
            "engagement_note": ", cast(null as varchar) as body",
        }.get(table, "")
        con.execute(f"drop table if exists {schema}.{table}")
        con.execute(f"""
            create table {schema}.{table} as
            select id as engagement_id, {SYNCED} as _fivetran_synced, is_deleted as _fivetran_deleted, type,
                   occurred_at as property_hs_createdate,
                   case when {v3} then occurred_at end as property_hs_timestamp,
                   case when {v3} then owner_id end as property_hubspot_owner_id,
                   cast(null as bigint) as property_hubspot_team_id{extra}
            from _hs_eng where typed_table = '{table}' order by id""")
    for native in CRM_TABLES:
        con.execute(f"drop table if exists {schema}.{native}")
