"""English text of the customers' first ticket messages (``simulator.ticket_text``): subjects and phrases per
ticket category, plus the words every category shares.

Placeholders: ``{item}`` (a noun for the order's main product category, ``ITEMS``) and ``{days}`` (a small
number of days). Phrases overlap across categories on purpose, as real messages do: refunds are asked for in
several categories, a late parcel is also asked about in enquiries. All text is invented for teaching.
"""

from __future__ import annotations

TEXT = {
    "items": {
        "apparel": ("jacket", "dress", "shirt", "trousers"), "electronics": ("headphones", "charger", "speaker"),
        "beauty": ("face cream", "serum", "lipstick"), "home": ("lamp", "kettle", "bedding set"),
        "food": ("tea", "snack box", "coffee beans"), "toys": ("puzzle", "building set", "doll"),
        "sports": ("yoga mat", "running shoes", "water bottle"),
    },
    "default_item": ("order", "parcel"),
    "greetings": ("Hi,", "Hello,", "Dear customer service,", "Hi there,", ""),
    "closings": ("Thanks.", "Thank you.", "Regards.", "Please get back to me soon.", "", ""),
    "vague": ("Please help with my order.", "I have a problem with my order, please contact me.",
              "Still waiting for an answer.", "Can someone call me back?", "Not happy. Please sort this out.",
              "Is anyone reading these messages?"),
    "generic_subjects": ("My order", "Problem with my order", "Help please", "Question", "Order issue"),
    "subjects": {
        "delivery_delay": ("Where is my parcel?", "Order not delivered yet", "Late delivery"),
        "damaged": ("Item arrived damaged", "Broken {item}", "Damaged parcel"),
        "wrong_size": ("Wrong size", "{item} does not fit", "Exchange for another size"),
        "plug_voltage": ("Plug does not fit", "Wrong plug / voltage", "Adapter question"),
        "customs": ("Customs charges", "Parcel held at customs", "Import duty question"),
        "refund": ("Refund request", "Where is my refund?", "Money back"),
        "product_quality": ("Poor quality {item}", "{item} stopped working", "Quality complaint"),
        "payment": ("Charged twice", "Payment problem", "Payment failed"),
        "enquiry": ("Question about my order", "Delivery time?", "Product question", "Invoice request"),
    },
    "phrases": {
        "delivery_delay": (
            "My {item} was supposed to arrive {days} days ago and it is still not here.",
            "The tracking has not moved for {days} days.", "The parcel is late and nobody tells me why.",
            "The delivery date has passed and I still have nothing.",
            "I need the {item} this week, it is already late.",
            "The courier says it is delayed again.", "If it does not arrive soon I want a refund.",
        ),
        "damaged": (
            "The {item} arrived broken.", "The box was crushed and the {item} inside is damaged.",
            "There is a crack in the {item}.", "It was damaged in transport, see the photos.",
            "The parcel was wet and torn when it came.", "I want a replacement for the damaged {item}.",
            "Please send a new one or refund me.",
        ),
        "wrong_size": (
            "The {item} is too small.", "The {item} is too big, I ordered my usual size.",
            "The size chart is wrong.", "I would like to exchange it for a larger size.",
            "It does not fit at all.", "Can I swap it for a smaller size?", "I will return it if I cannot exchange it.",
        ),
        "plug_voltage": (
            "The plug does not fit the sockets here.", "The {item} has a plug for another country.",
            "Is it 230 V? The label says 110 V.", "Do you include an adapter?",
            "It does not work with our voltage.", "I cannot use the {item} without a converter.",
        ),
        "customs": (
            "The parcel is held at customs.", "I was asked to pay import duty before delivery.",
            "Nobody told me there would be customs charges.", "Customs wants an invoice for the {item}.",
            "The courier charged me VAT and a handling fee.", "Who pays the duties on this order?",
            "It has been stuck in customs for {days} days.",
        ),
        "refund": (
            "I returned the {item} {days} days ago and have not received my refund.",
            "Please refund my money.", "When will the refund reach my account?",
            "You promised a refund but nothing came.", "I want my money back.",
            "The refund amount is less than I paid.", "I cancelled the order, please refund.",
        ),
        "product_quality": (
            "The {item} stopped working after {days} days.", "The quality is very poor.",
            "The stitching is coming apart.", "It looks nothing like the photos.",
            "The {item} smells strange.", "The material feels cheap.", "I expected better quality for this price.",
        ),
        "payment": (
            "I was charged twice for the same order.", "My card was charged but the order shows unpaid.",
            "The payment failed but the money left my account.", "I cannot pay with my card.",
            "Please cancel the second charge.", "The amount on my statement is wrong.",
        ),
        "enquiry": (
            "When will my {item} be shipped?", "How long does delivery take?", "Is the {item} in stock?",
            "Can I change the delivery address?", "Could you send me an invoice?",
            "Do you ship to my country?", "Can I still add something to my order?",
            "What is your return policy?",
        ),
    },
}
