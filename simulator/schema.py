"""The data dictionary: every table the simulator writes, its columns, dtypes and meaning (with units).

This module is the single source of truth for the simulator's output. ``simulator/README.md`` is rendered
from it (``python -m crmlab.simulator.schema > simulator/README.md``) and a test keeps the two in sync; another test
checks every generated table against it. Dtypes are pandas dtype names: ``str`` (pandas 3 string),
``int64``, ``Int64`` (nullable integer), ``float64``, ``bool``, ``boolean`` (nullable) and
``datetime64[s]`` (naive timestamps in the shop's local time, second resolution).

Money is in the shop's ``currency`` unless a column says CNY; ``fx_rate_to_cny`` on ``orders`` converts.
"""

from __future__ import annotations

from . import schema_ops
from .schema_ops import CASE_STATUSES, CASE_TRANSITIONS  # noqa: F401  (re-exported: notebooks import them here)

# (dtype, meaning) per column; a leading "FK → table.column" in the meaning declares a foreign key.
Column = tuple[str, str]

STAGES = ("exploration", "formation", "stability", "decline", "terminated")
STAGE_ZH = {"exploration": "考察期", "formation": "形成期", "stability": "稳定期",
            "decline": "退化期", "terminated": "终止"}
TICKET_CATEGORIES = ("delivery_delay", "damaged", "wrong_size", "plug_voltage", "customs", "refund",
                     "product_quality", "payment", "enquiry")
ORDER_STATUSES = ("delivered", "shipped", "cancelled", "returned")
SALES_STAGES = {  # SuiteCRM sales_probability_dom: stage -> probability (%)
    "Prospecting": 10, "Qualification": 20, "Needs Analysis": 25, "Value Proposition": 30,
    "Id. Decision Makers": 40, "Perception Analysis": 50, "Proposal/Price Quote": 65,
    "Negotiation/Review": 80, "Closed Won": 100, "Closed Lost": 0,
}
LEAD_STATUSES = ("New", "Assigned", "In Process", "Converted", "Recycled", "Dead")
KANO_ANSWERS = ("like", "must-be", "neutral", "live-with", "dislike")
SERVQUAL_DIMENSIONS = {  # item number (1-22) -> dimension, Parasuraman, Zeithaml & Berry (1988)
    **{i: "tangibles" for i in range(1, 5)}, **{i: "reliability" for i in range(5, 10)},
    **{i: "responsiveness" for i in range(10, 14)}, **{i: "assurance" for i in range(14, 18)},
    **{i: "empathy" for i in range(18, 23)},
}

OBSERVED: dict[str, dict[str, Column]] = {
    "shops": {
        "shop_id": ("str", "S01…, unique"),
        "name": ("str", "shop name (Faker company, shop's home locale)"),
        "kind": ("str", "domestic | cross_border"),
        "country": ("str", "home country, ISO 3166-1 alpha-2 (CN for domestic shops)"),
        "currency": ("str", "ISO 4217 currency of all the shop's prices"),
        "platform": ("str", "own_site | tmall | jd | wechat_mini | amazon | shopee | tmall_global"),
        "category_focus": ("str", "main product category"),
        "launch_date": ("datetime64[s]", "shop opening day"),
        "crm_rollout_date": ("datetime64[s]", "day the shop switched on CRM (NaT: never in the horizon)"),
    },
    "products": {
        "product_id": ("str", "P00001…, unique"),
        "shop_id": ("str", "FK → shops.shop_id"),
        "sku": ("str", "shop's stock-keeping unit code"),
        "title": ("str", "product title"),
        "category": ("str", "product category (apparel, electronics, beauty, home, food, toys, sports)"),
        "list_price": ("float64", "list price per unit (shop currency), > 0"),
        "unit_cost": ("float64", "landed cost per unit (shop currency), 0 < cost < price"),
        "weight_kg": ("float64", "shipping weight (kg)"),
    },
    "customers": {
        "customer_id": ("str", "C0000001…, unique; one record per customer account in one shop"),
        "shop_id": ("str", "FK → shops.shop_id"),
        "name": ("str", "display name in the customer's locale (family name first for zh_CN/ja_JP)"),
        "email": ("str", "e-mail address, unique by construction unless data_quality=True"),
        "phone": ("str", "phone number in the country's usual format"),
        "country": ("str", "ISO 3166-1 alpha-2"),
        "province": ("str", "province / state / region, consistent with country and city"),
        "city": ("str", "city"),
        "locale": ("str", "Faker locale the identity was rendered in (zh_CN, en_US, de_DE …)"),
        "signup_date": ("datetime64[s]", "account creation time (= first purchase for buyers)"),
        "acquisition_channel": ("str", "search | social | referral | marketplace | livestream | direct | sales_team"),
        "customer_type": ("str", "B2C | B2B"),
        "company": ("str", "company name for B2B customers, empty string for B2C"),
        "gender": ("str", "F | M | U (undisclosed)"),
        "birth_year": ("Int64", "year of birth (NA for B2B)"),
        "member_tier": ("str", "observed loyalty tier at the horizon: none | silver | gold | platinum "
                               "(lags the truth)"),
        "marketing_opt_in": ("bool", "consented to marketing contact"),
    },
    "orders": {
        "order_id": ("str", "O00000001…, unique"),
        "customer_id": ("str", "FK → customers.customer_id (empty string for a guest order when data_quality=True)"),
        "shop_id": ("str", "FK → shops.shop_id"),
        "order_ts": ("datetime64[s]", "checkout time"),
        "status": ("str", "delivered | shipped | cancelled | returned. A delivered order comes back with "
                   "P by its main category — apparel 0.42, sports 0.21, home 0.17, electronics 0.14, toys 0.11, "
                   "beauty 0.10, food 0.04 — and 0.35 on top for a damaged or unfit item (teaching assumption "
                   "in the order the NRF/Appriss returns reports and retailer surveys give; overall ≈ 17–21 % "
                   "of delivered-or-returned orders, NRF/Appriss: 16.5–20.8 % of online sales 2021–2023)"),
        "channel": ("str", "web | app | mini_program | marketplace | phone | sales_rep"),
        "payment_method": ("str", "alipay | wechat_pay | card | paypal | cod | bank_transfer"),
        "currency": ("str", "ISO 4217, the shop's currency"),
        "fx_rate_to_cny": ("float64", "CNY per unit of currency on the order day"),
        "items_subtotal": ("float64", "sum of order_items.line_total (currency)"),
        "discount": ("float64", "order-level discount (currency), >= 0: a price-sensitivity promotion plus, "
                     "for an order with a campaign_id, that campaign's coupon of exactly offer_value"),
        "shipping_fee": ("float64", "shipping charged to the customer (currency), >= 0"),
        "duty_tax": ("float64", "import duty and tax (currency); 0 for domestic shops"),
        "order_total": ("float64", "items_subtotal - discount + shipping_fee + duty_tax (currency), rounded to cents"),
        "campaign_id": ("str", "FK → campaigns.campaign_id of the campaign whose coupon the order redeemed (a "
                        "treated customer's order in the window with items_subtotal ≥ 2 × offer_value), or empty"),
        "promised_delivery_date": ("datetime64[s]", "delivery date promised at checkout"),
        "delivered_ts": ("datetime64[s]", "actual delivery time (NaT if cancelled or not yet delivered)"),
    },
    "order_items": {
        "order_id": ("str", "FK → orders.order_id"),
        "line_no": ("int64", "1, 2, … within the order"),
        "product_id": ("str", "FK → products.product_id"),
        "category": ("str", "product category (copied from products for convenience)"),
        "quantity": ("int64", "units, >= 1"),
        "unit_price": ("float64", "price paid per unit before the order discount (currency)"),
        "unit_cost": ("float64", "cost per unit (currency)"),
        "line_total": ("float64", "quantity × unit_price, rounded to cents (currency)"),
    },
    "tickets": {
        "ticket_id": ("str", "T0000001…, unique"),
        "customer_id": ("str", "FK → customers.customer_id"),
        "shop_id": ("str", "FK → shops.shop_id"),
        "order_id": ("str", "FK → orders.order_id the ticket is about, or empty"),
        "kind": ("str", "complaint | enquiry"),
        "category": ("str", "delivery_delay | damaged | wrong_size | plug_voltage | customs | refund | "
                            "product_quality | payment | enquiry"),
        "channel": ("str", "email | chat | phone | social"),
        "priority": ("str", "P1 (urgent) | P2 | P3"),
        "opened_ts": ("datetime64[s]", "ticket opened"),
        "first_response_ts": ("datetime64[s]", "first agent response"),
        "resolved_ts": ("datetime64[s]", "resolved (NaT: never resolved)"),
        "status": ("str", "closed | open"),
        "resolution": ("str", "refund | replace | coupon | explain | none"),
        "reopened": ("bool", "reopened at least once"),
        "agent_id": ("str", "FK → agents.agent_id who owned the ticket"),
        "satisfaction": ("Int64", "post-resolution satisfaction 1–5 (NA: no answer)"),
    },
    "agents": {
        "agent_id": ("str", "A001…, unique"),
        "name": ("str", "agent name"),
        "queue": ("str", "queue the agent serves (domestic_zh, cross_border_en …)"),
        "language": ("str", "working language (zh, en, de, fr, ja)"),
        "tenure_months": ("int64", "months of service at the horizon"),
        "shift": ("str", "early | day | late"),
    },
    "calls": {
        "call_id": ("str", "K00000001…, unique"),
        "customer_id": ("str", "FK → customers.customer_id (empty: caller not identified)"),
        "ticket_id": ("str", "FK → tickets.ticket_id the call belongs to, or empty"),
        "ani": ("str", "caller's number as presented to the switch"),
        "queue": ("str", "ACD queue"),
        "direction": ("str", "inbound | outbound"),
        "arrival_ts": ("datetime64[s]", "call reaches the switch"),
        "ivr_contained": ("bool", "finished in the IVR without an agent"),
        "abandoned": ("bool", "caller hung up while waiting for an agent"),
        "wait_s": ("float64", "seconds in the agent queue (0 if IVR-contained)"),
        "talk_s": ("float64", "talk seconds (0 if no agent)"),
        "hold_s": ("float64", "hold seconds during the talk"),
        "wrap_s": ("float64", "after-call work seconds"),
        "agent_id": ("str", "FK → agents.agent_id who answered, or empty"),
    },
    "surveys": {
        "survey_id": ("str", "V0000001…, unique"),
        "customer_id": ("str", "FK → customers.customer_id"),
        "shop_id": ("str", "FK → shops.shop_id"),
        "order_id": ("str", "FK → orders.order_id for post-delivery surveys, else empty"),
        "type": ("str", "csat (post-delivery) | relationship (NPS, ACSI, SERVQUAL; annual)"),
        "sent_ts": ("datetime64[s]", "invitation sent"),
        "responded_ts": ("datetime64[s]", "answer received (NaT: invitation not answered; its answer columns are NA)"),
        "csat": ("Int64", "overall satisfaction 1–5 (J-shaped)"),
        "nps": ("Int64", "likelihood to recommend 0–10 (relationship surveys)"),
        "acsi_sat": ("Int64", "ACSI overall satisfaction 1–10"),
        "acsi_disconf": ("Int64", "ACSI expectancy disconfirmation 1–10"),
        "acsi_ideal": ("Int64", "ACSI closeness to ideal 1–10"),
        "expectation": ("Int64", "customer expectations 1–10"),
        "perceived_quality": ("Int64", "perceived quality 1–10"),
        "perceived_value": ("Int64", "perceived value 1–10"),
        "attitude_score": ("Int64", "relative attitude to the shop vs competitors 1–7"),
        **{f"servqual_e{i}": ("Int64", f"SERVQUAL expectation item {i} (1–7), {d}")
           for i, d in SERVQUAL_DIMENSIONS.items()},
        **{f"servqual_p{i}": ("Int64", f"SERVQUAL perception item {i} (1–7), {d}")
           for i, d in SERVQUAL_DIMENSIONS.items()},
    },
    "kano_answers": {
        "survey_id": ("str", "FK → surveys.survey_id (relationship surveys)"),
        "customer_id": ("str", "FK → customers.customer_id"),
        "feature": ("str", "feature asked about (e.g. free_returns, live_chat, gift_wrap)"),
        "functional": ("str", "answer if the feature is present: like | must-be | neutral | live-with | dislike"),
        "dysfunctional": ("str", "answer if the feature is absent: same scale"),
    },
    "campaigns": {
        "campaign_id": ("str", "M001…, unique"),
        "shop_id": ("str", "FK → shops.shop_id"),
        "name": ("str", "campaign name"),
        "campaign_type": ("str", "win_back | cross_sell | holiday_coupon | new_product | loyalty_points"),
        "channel": ("str", "email | sms | push | wechat | outbound_call"),
        "start_date": ("datetime64[s]", "first contact day"),
        "end_date": ("datetime64[s]", "end of the response window"),
        "target_rule": ("str", "who was eligible, in words"),
        "holdout_share": ("float64", "share of eligible customers randomised to control (0–1)"),
        "offer_value": ("float64", "coupon value (currency), deducted in full from each redeeming order"),
        "cost_per_contact": ("float64", "cost of one treated contact (currency)"),
        "budget": ("float64", "planned budget (currency)"),
        "actual_cost": ("float64", "treated contacts × cost_per_contact + offer_value × orders with this "
                        "campaign_id (currency)"),
    },
    "campaign_contacts": {
        "campaign_id": ("str", "FK → campaigns.campaign_id"),
        "customer_id": ("str", "FK → customers.customer_id"),
        "group": ("str", "treatment | control (randomised)"),
        "sent_ts": ("datetime64[s]", "contact time (NaT for control)"),
        "opened": ("bool", "opened the message (False for control); per channel: email opened, sms read, push "
                   "tapped, wechat read, outbound_call answered. Averages over treated contacts "
                   "(campaigns.CHANNEL_RESPONSE; converters open more): email ≈ 16 % (Mailchimp e-commerce "
                   "benchmark), sms ≈ 85 % (vendor "
                   "read rates 90–98 %), push ≈ 4–5 % (Airship benchmarks), wechat ≈ 11 %, outbound_call ≈ 28 % "
                   "(assumptions)"),
        "clicked": ("bool", "clicked through (False for control; outbound_call: accepted the offer); of all "
                    "treated: email ≈ 2 % (Mailchimp), sms ≈ 3.5 %, push ≈ 2 %, wechat ≈ 2 %, "
                    "outbound_call ≈ 6–7 % (assumptions)"),
        "converted": ("bool", "placed at least one order (any status) in [start_date, end_date)"),
        "revenue": ("float64", "order_total of the non-cancelled orders in the window (currency)"),
    },
    "leads": {
        "lead_id": ("str", "L000001…, unique"),
        "shop_id": ("str", "FK → shops.shop_id"),
        "created_ts": ("datetime64[s]", "lead captured"),
        "source": ("str", "web_form | trade_show | referral | campaign | cold_call | marketplace_inquiry"),
        "campaign_id": ("str", "FK → campaigns.campaign_id, or empty"),
        "company": ("str", "prospect company"),
        "contact_name": ("str", "prospect contact person"),
        "job_title": ("str", "contact's job title"),
        "stated_need": ("str", "what the prospect asked for, in words"),
        "budget": ("float64", "stated annual budget (shop currency); 0 if unknown"),
        "man_money": ("bool", "M: has the money (budget above the shop's threshold)"),
        "man_authority": ("bool", "A: the contact can decide"),
        "man_need": ("bool", "N: has a real need"),
        "status": ("str", "New | Assigned | In Process | Converted | Recycled | Dead"),
        "converted": ("bool", "became a customer"),
        "converted_ts": ("datetime64[s]", "conversion time (NaT if not converted)"),
        "customer_id": ("str", "FK → customers.customer_id when converted, else empty"),
    },
    "opportunities": {
        "opportunity_id": ("str", "Y000001…, unique"),
        "shop_id": ("str", "FK → shops.shop_id"),
        "customer_id": ("str", "FK → customers.customer_id (the B2B account), "
                               "or empty for a prospect not yet converted"),
        "lead_id": ("str", "FK → leads.lead_id it came from, or empty"),
        "name": ("str", "opportunity name"),
        "sales_stage": ("str", "SuiteCRM stage: Prospecting … Negotiation/Review, Closed Won, Closed Lost"),
        "amount": ("float64", "deal value (shop currency)"),
        "probability": ("int64", "win probability (%) of the stage (SuiteCRM sales_probability_dom)"),
        "created_ts": ("datetime64[s]", "opportunity opened"),
        "close_date": ("datetime64[s]", "actual (closed) or expected (open) close date"),
    },
}

OBSERVED.update(schema_ops.OBSERVED)  # ticket_events, ticket_messages, erp_invoices, activities

TRUTH: dict[str, dict[str, Column]] = {
    "customers": {
        "customer_id": ("str", "FK → customers.customer_id"),
        "person_id": ("str", "true identity; several customer_ids share one when data_quality=True"),
        "mechanism": ("str", "lifecycle | btyd: which generative process drove the customer"),
        "persona": ("str", "latent persona (bargain_hunter, regular, vip, one_off, wholesaler)"),
        "lambda_week": ("float64", "baseline purchase rate (orders per week)"),
        "basket_mean": ("float64", "mean items value per order at stage multiplier 1 (currency)"),
        "price_sensitivity": ("float64", "baseline price sensitivity (0–1)"),
        "sat_baseline": ("float64", "baseline latent satisfaction (standard units)"),
        "p_dropout": ("float64", "BG/NBD dropout probability after each purchase (btyd), NaN otherwise"),
        "churn_ts": ("datetime64[s]", "true end of the relationship (NaT: alive at the horizon); no order or "
                     "general call follows it, but a complaint about the last order (and its calls) or a "
                     "survey answer may"),
        "alive_at_end": ("bool", "still alive at the horizon"),
        "final_stage": ("str", "stage at the horizon (terminated if churned)"),
        "pattern": ("str", "陈明亮 pattern: early_abort | midway_failure | early_exit | long_lasting | open"),
        "n_orders": ("int64", "orders placed in the horizon"),
        "true_clv": ("float64", "expected discounted gross margin after the horizon, 10 %/yr (shop currency)"),
    },
    "stage_spells": {
        "customer_id": ("str", "FK → customers.customer_id"),
        "stage": ("str", "exploration | formation | stability | decline | terminated"),
        "start_ts": ("datetime64[s]", "spell start"),
        "end_ts": ("datetime64[s]", "spell end (NaT: open at the horizon, or terminated)"),
        "exit_reason": ("str", "progression | dissatisfaction | competitor | need_ended | win_back | horizon"),
    },
    "satisfaction": {
        "customer_id": ("str", "FK → customers.customer_id"),
        "month": ("datetime64[s]", "first day of the month"),
        "satisfaction": ("float64", "latent satisfaction at month end, while alive (standard units)"),
        "stage": ("str", "stage at month end"),
    },
    "orders": {
        "order_id": ("str", "FK → orders.order_id"),
        "customer_id": ("str", "the true customer (also for guest orders)"),
        "stage": ("str", "customer's true stage when ordering"),
        "delay_days": ("float64", "actual minus promised delivery (days; NaN if not delivered)"),
        "gross_margin": ("float64", "items_subtotal − discount − Σ unit_cost × quantity (currency)"),
        "satisfaction": ("float64", "customer's latent satisfaction when ordering (standard units)"),
    },
    "campaign_effects": {
        "campaign_id": ("str", "FK → campaigns.campaign_id"),
        "rate_lift": ("float64", "treated purchase-rate multiplier − 1 inside the window for the customers the "
                      "campaign can move: lifecycle customers alive at launch (btyd and churned ones: no effect)"),
        "movable_share": ("float64", "share of contacted customers the campaign can move (0 in btyd mode)"),
        "effective_lift": ("float64", "rate_lift × movable_share: mean purchase-rate lift over all contacted "
                           "customers (0 when true_ate_conversion is 0 by construction, e.g. btyd mode)"),
        "true_ate_conversion": ("float64", "E[P(convert|treated) − P(convert|control)] over contacted customers"),
        "sample_ate_conversion": ("float64", "realised mean of Y(1) − Y(0) over the contacted customers"),
        "n_contacted": ("int64", "customers in the experiment (both groups)"),
    },
    "kano_features": {
        "feature": ("str", "feature asked about in kano_answers"),
        "true_category": ("str", "Kano category the answers were drawn from: A | O | M | I | R"),
    },
}

TRUTH.update(schema_ops.TRUTH)  # ticket_events, ticket_messages, erp_issues

# truth/params.json: key -> meaning (dotted keys are nested; a world holds the population keys of its mode).
PARAMS: dict[str, str] = {
    "config": "the world's keywords (n_customers, n_shops, start, end, mode, locales, data_quality, seed)",
    "seed": "root of every random stream",
    "versions": "versions of python, numpy, pandas, pyarrow, faker and crmlab that wrote the world",
    "simulator_hash": "SHA-256 (16 hex digits) of the simulator's source files",
    "block_size": "customers per generation block",
    "format": "parquet | csv",
    "hashes": "table (\"orders\", \"truth/orders\") → SHA-256 of its file",
    "population": "the population parameters the world's mode draws customers from (the generator's own "
                  "constants), to set fitted models beside",
    "population.btyd_share": "mixed mode: probability that a customer follows BG/NBD (else the lifecycle)",
    "population.btyd": "btyd and mixed modes: BG/NBD r, alpha (λ ~ Gamma(r, rate α) per week), a, b (dropout "
                       "p ~ Beta(a, b) after each repeat purchase) and Gamma-Gamma p, q, gamma (spend per order ~ "
                       "Gamma(p, rate ν), ν ~ Gamma(q, rate γ)) in value units of value_cny CNY; time_unit week",
    "population.lifecycle.personas": "lifecycle and mixed modes, B2C: persona → share_of_b2c, rate_mean_week, "
                                     "rate_shape (rate ~ Gamma(shape, mean)), basket_mean_cny, "
                                     "price_sensitivity_mean, sat_baseline_mean",
    "population.lifecycle.wholesaler": "the B2B persona, same fields (B2B share per shop: shops.b2b_share)",
    "population.lifecycle.heterogeneity": "purchase rate × LogNormal(−rate_log_sd²/2, rate_log_sd), at least "
                                          "rate_floor_week (a draw below it is raised to it); "
                                          "basket × LogNormal(basket_log_mean, basket_log_sd); "
                                          "price sensitivity ~ Beta with concentration "
                                          "price_sensitivity_concentration; "
                                          "satisfaction baseline ~ Normal(mean, sat_baseline_sd)",
    "population.lifecycle.stages": "stage machine over names (exploration…decline): rate_mult, basket_mult, "
                                   "price_sensitivity_mult; weekly hazards base × exp(slope × (satisfaction − "
                                   "0.5)), capped at 0.9: forward_base/forward_slope to forward_target, exit_base/"
                                   "exit_slope (exit_after_order added to the exit base order_lag_weeks after "
                                   "a customer's last order); follow_up_share: an order's chance of a "
                                   "follow-up order in the same week; satisfaction AR(1) sat_persistence, "
                                   "sat_noise_sd",
}

# String ids: column -> (prefix, digits). Ids are assigned after blocks are joined, in customer order.
ID_FORMATS = {
    "shop_id": ("S", 2), "product_id": ("P", 5), "customer_id": ("C", 7), "order_id": ("O", 8),
    "ticket_id": ("T", 7), "agent_id": ("A", 3), "call_id": ("K", 8), "survey_id": ("V", 7),
    "campaign_id": ("M", 3), "lead_id": ("L", 6), "opportunity_id": ("Y", 6), "person_id": ("H", 7),
    "invoice_id": ("I", 7), "activity_id": ("E", 7),
}


def foreign_keys(table: str, *, truth: bool = False) -> dict[str, tuple[str, str]]:
    """Foreign keys of a table as ``{column: (table, column)}``, read from the meanings above."""
    cols = (TRUTH if truth else OBSERVED)[table]
    out = {}
    for col, (_, meaning) in cols.items():
        if meaning.startswith("FK → "):
            target = meaning[5:].split()[0].rstrip(",;")
            ref_table, ref_col = target.split(".")
            out[col] = (ref_table, ref_col)
    return out


def render_markdown() -> str:
    """The data dictionary as Markdown (the body of ``simulator/README.md``)."""
    lines = ["# simulator — data dictionary", "",
             "Generated from `simulator/schema.py` by `python -m crmlab.simulator.schema`; do not edit by hand.", "",
             "Observed tables are what students get. Truth tables are written to `truth/` and never",
             "shipped to students; graders regenerate them from the seed.", ""]
    for title, tables in (("Observed tables", OBSERVED), ("Truth tables (`truth/`)", TRUTH)):
        lines += [f"## {title}", ""]
        for name, cols in tables.items():
            lines += [f"### `{name}`", "", "| column | dtype | meaning |", "|---|---|---|"]
            lines += [f"| `{c}` | {d} | {m.replace('|', '/')} |" for c, (d, m) in cols.items()]
            lines.append("")
    lines += ["## `truth/params.json`", "", "| key | meaning |", "|---|---|"]
    lines += [f"| `{k}` | {m.replace('|', '/')} |" for k, m in PARAMS.items()]
    lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    print(render_markdown())
