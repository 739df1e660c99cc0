"""The worked examples notebook 01's formative checks run a student's functions on (data only: the
lecture's numbers, so a failure can point at the example in the text)."""

# Fixture for acquisition_retention (year 2025). Signups in 2025: C1, C2, C3, C5 -> A = 4/12.
# Pooled month-to-month retention over Jan..Nov 2025: active 3+1+2+1 = 7, retained 1+1+0+1 = 3 -> r = 3/7.
AR_CUSTOMERS = {"customer_id": ["C1", "C2", "C3", "C4", "C5"],
                "signup_date": ["2025-01-05", "2025-01-20", "2025-11-02", "2024-12-10", "2025-12-30"]}

AR_ORDERS = [("C1", "2025-01-05", "delivered"), ("C1", "2025-01-28", "delivered"), ("C1", "2025-02-14", "shipped"),
             ("C1", "2025-03-03", "delivered"), ("C2", "2025-01-20", "delivered"), ("C2", "2025-02-11", "cancelled"),
             ("C2", "2025-03-09", "delivered"), ("C3", "2025-11-02", "delivered"), ("C3", "2025-12-01", "delivered"),
             ("C4", "2024-12-10", "delivered"), ("C4", "2025-01-15", "delivered"), ("C5", "2025-12-30", "delivered"),
             ("C2", "2025-04-18", "returned")]

AR_WANT = (4 / 12, 3 / 7)

# Fixture for pareto_table: the lecture's worked example, revenues 500, 300, 120, 30, 20, 10, 8, 6, 4, 2 CNY,
# spread over currencies, with a cancelled and a returned order that must not count.
PARETO_ORDERS = [("K01", 50.0, 7.2, "delivered"), ("K01", 140.0, 1.0, "shipped"), ("K01", 999.0, 1.0, "cancelled"),
                 ("K02", 300.0, 1.0, "delivered"), ("K02", 100.0, 1.0, "returned"), ("K03", 2500.0, 0.048, "delivered"),
                 ("K04", 30.0, 1.0, "delivered"), ("K05", 20.0, 1.0, "delivered"), ("K06", 10.0, 1.0, "delivered"),
                 ("K07", 8.0, 1.0, "delivered"), ("K08", 6.0, 1.0, "delivered"), ("K09", 4.0, 1.0, "delivered"),
                 ("K10", 2.0, 1.0, "delivered")]

PARETO_WANT = [500.0, 300.0, 120.0, 30.0, 20.0, 10.0, 8.0, 6.0, 4.0, 2.0]

# Tie fixture: C3 and C1 both 50 CNY (tie -> C1 first), C2 has no orders (revenue 0, last).
TIE_ORDERS = [("C3", 50.0, 1.0, "delivered"), ("C1", 50.0, 1.0, "delivered")]

TIE_CUSTOMERS = ["C2", "C3", "C1"]

EMAIL_CASES = [(" Wang.Fang88@QQ.com ", "wang.fang88@qq.com"), ("anna@gmail.com", "anna@gmail.com"),
               ("\tJOHN@Outlook.COM", "john@outlook.com"), ("", ""), ("   ", "")]

PHONE_CASES = [("+86 138 0013 8000", "800138000"), ("13800138000", "800138000"), ("138-0013-8000", "800138000"),
               ("+44 20 7946 0958", "079460958"), ("020 7946 0958", "079460958"), ("(555) 010-2233", "550102233"),
               ("12 34", ""), ("", "")]

# Fixture for link_persons: rows 0-2 one person (0~1 by e-mail after normalising, 1~2 by phone only),
# row 3 another person with no e-mail, row 4 a third person with no e-mail (empty e-mail is no link),
# row 5 a homonym of row 0 (same name, different e-mail and phone) -> 4 persons.
LINK_CUSTOMERS = {"customer_id": ["C1", "C2", "C3", "C4", "C5", "C6"],
                  "name": ["王芳", "王芳", "王 芳", "Anna Smith", "Tom Lee", "王芳"],
                  "email": ["wangfang1@qq.com", " WangFang1@QQ.com", "", "", "", "wf777@163.com"],
                  "phone": ["138 0013 8000", "+86 139 1111 2222", "13911112222", "+1 555 010 2233",
                            "+1 555 010 9999", "137 5555 6666"]}

LINK_WANT = [0, 0, 0, 1, 2, 3]
