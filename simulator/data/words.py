"""Word lists the text layer samples from: e-mail domains, phone formats and product words per locale.

Kept apart from the rendering logic (:mod:`simulator.identities`, :mod:`simulator.geography`,
:mod:`simulator.catalog`) so that a teacher can localise or extend them without reading numpy code. All
entries are invented or generic; no real person or company is named.
"""

from __future__ import annotations

# Consumer e-mail domains per locale; a customer's domain is drawn uniformly from its locale's tuple.
EMAIL_DOMAINS = {
    "zh_CN": ("qq.com", "163.com", "126.com", "sina.com", "foxmail.com"),
    "en_US": ("gmail.com", "outlook.com", "yahoo.com", "icloud.com", "aol.com"),
    "en_GB": ("gmail.com", "outlook.com", "yahoo.co.uk", "btinternet.com", "icloud.com"),
    "de_DE": ("gmail.com", "web.de", "gmx.de", "t-online.de"),
    "fr_FR": ("gmail.com", "orange.fr", "free.fr", "laposte.net"),
    "ja_JP": ("gmail.com", "yahoo.co.jp", "docomo.ne.jp", "outlook.jp"),
    "en_AU": ("gmail.com", "outlook.com", "bigpond.com", "icloud.com"),
}

# B2B customers write from a company-like domain: <ASCII stem><business word>.<TLD of the country>.
COMPANY_TLD = {
    "zh_CN": "com.cn", "en_US": "com", "en_GB": "co.uk", "de_DE": "de", "fr_FR": "fr", "ja_JP": "co.jp",
    "en_AU": "com.au",
}
COMPANY_DOMAIN_WORDS = ("tech", "trade", "group", "global", "supply", "works", "mall", "direct")

# Phone formats: one template is drawn per customer; each placeholder becomes a digit from its set.
PHONE_DIGITS = {"#": "0123456789", "N": "23456789", "M": "3456789", "F": "67"}
PHONE_FORMATS = {
    "zh_CN": ("1M#########", "1M# #### ####"),                      # CN mobile 1[3-9]\d{9}
    "en_US": ("+1 N##-N##-####", "+1 (N##) N##-####"),              # NANP
    "en_GB": ("+44 7### ######",),                                   # UK mobile
    "de_DE": ("+49 15# ########", "+49 16# #######", "+49 17# ########"),
    "fr_FR": ("+33 F ## ## ## ##",),                                 # 06 / 07 mobiles
    "ja_JP": ("+81 90-####-####", "+81 80-####-####", "+81 70-####-####"),
    "en_AU": ("+61 4## ### ###",),                                   # AU mobile
}

# Product nouns per category, (Chinese, English), aligned position by position.
PRODUCT_NOUNS = {
    "apparel": (("T恤", "连衣裙", "卫衣", "牛仔裤", "外套"),
                ("T-shirt", "dress", "hoodie", "jeans", "jacket")),
    "electronics": (("蓝牙耳机", "充电器", "电动牙刷", "吹风机", "智能手表"),
                    ("earbuds", "charger", "electric toothbrush", "hair dryer", "smartwatch")),
    "beauty": (("面霜", "口红", "精华液", "面膜", "防晒霜"),
               ("face cream", "lipstick", "serum", "sheet mask", "sunscreen")),
    "home": (("收纳盒", "床品四件套", "保温杯", "香薰", "台灯"),
             ("storage box", "bedding set", "thermos", "diffuser", "desk lamp")),
    "food": (("茶叶", "坚果礼盒", "零食", "咖啡豆", "蜂蜜"),
             ("tea", "nut gift box", "snacks", "coffee beans", "honey")),
    "toys": (("积木", "毛绒玩具", "拼图", "遥控车", "桌游"),
             ("building blocks", "plush toy", "puzzle", "RC car", "board game")),
    "sports": (("瑜伽垫", "跑鞋", "运动水壶", "哑铃", "骑行手套"),
               ("yoga mat", "running shoes", "water bottle", "dumbbell", "cycling gloves")),
}
# Title adjectives, (Chinese, English); a title is adjective + noun ("经典T恤", "Classic T-shirt").
PRODUCT_ADJECTIVES = (("经典", "新款", "轻薄", "高端", "简约", "国潮", "升级版", "便携"),
                      ("Classic", "New", "Slim", "Premium", "Essential", "Pro", "Travel", "Deluxe"))
