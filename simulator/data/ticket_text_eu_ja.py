"""German, French and Japanese text of the customers' first ticket messages (``simulator.ticket_text``); layout
as in :mod:`simulator.data.ticket_text_en`, fewer phrases per category. Invented for teaching."""

from __future__ import annotations

DE = {
    "items": {
        "apparel": ("Jacke", "Kleid", "Hemd"),
        "electronics": ("Kopfhörer", "Ladegerät", "Lautsprecher"),
        "beauty": ("Gesichtscreme", "Serum"),
        "home": ("Lampe", "Wasserkocher"),
        "food": ("Tee", "Kaffeebohnen"),
        "toys": ("Puzzle", "Baukasten"),
        "sports": ("Yogamatte", "Laufschuhe"),
    },
    "default_item": ("Bestellung", "Paket"),
    "greetings": ("Hallo,", "Guten Tag,", "Sehr geehrte Damen und Herren,", ""),
    "closings": ("Danke.", "Mit freundlichen Grüßen.", "Bitte um schnelle Antwort.", ""),
    "vague": ("Ich habe ein Problem mit meiner Bestellung.", "Bitte melden Sie sich.", "Immer noch keine Antwort?"),
    "generic_subjects": ("Meine Bestellung", "Problem", "Frage"),
    "subjects": {
        "delivery_delay": ("Wo ist mein Paket?", "Lieferverzögerung"),
        "damaged": ("Ware beschädigt", "Defektes Paket"),
        "wrong_size": ("Falsche Größe", "Umtausch Größe"),
        "plug_voltage": ("Stecker passt nicht", "Spannung"),
        "customs": ("Zollgebühren", "Paket beim Zoll"),
        "refund": ("Rückerstattung", "Geld zurück"),
        "product_quality": ("Schlechte Qualität", "Artikel kaputt ({item})"),
        "payment": ("Doppelt abgebucht", "Zahlung"),
        "enquiry": ("Frage zur Bestellung", "Lieferzeit?", "Rechnung"),
    },
    "phrases": {
        "delivery_delay": (
            "Der Artikel ({item}) sollte vor {days} Tagen ankommen.",
            "Die Sendungsverfolgung steht seit {days} Tagen still.",
            "Das Paket ist immer noch nicht da.",
            "Wenn es nicht bald kommt, möchte ich mein Geld zurück.",
        ),
        "damaged": (
            "Der Artikel ({item}) kam beschädigt an.",
            "Der Karton war eingedrückt, der Inhalt ({item}) ist kaputt.",
            "Bitte schicken Sie Ersatz oder erstatten Sie den Betrag.",
        ),
        "wrong_size": (
            "Der Artikel ({item}) ist zu klein.",
            "Der Artikel ({item}) ist zu groß.",
            "Kann ich eine andere Größe bekommen?",
        ),
        "plug_voltage": (
            "Der Stecker passt nicht in unsere Steckdosen.",
            "Ist das Gerät für 230 V?",
            "Ohne Adapter kann ich das Gerät ({item}) nicht benutzen.",
        ),
        "customs": (
            "Das Paket hängt beim Zoll fest.",
            "Ich soll Einfuhrumsatzsteuer zahlen.",
            "Von Zollgebühren stand nichts im Shop.",
        ),
        "refund": (
            "Ich habe den Artikel ({item}) vor {days} Tagen zurückgeschickt und noch keine Erstattung erhalten.",
            "Bitte erstatten Sie mir den Betrag.",
            "Wann kommt mein Geld zurück?",
        ),
        "product_quality": (
            "Der Artikel ({item}) ist nach {days} Tagen kaputt gegangen.",
            "Die Qualität ist sehr schlecht.",
            "Sieht ganz anders aus als auf den Fotos.",
        ),
        "payment": (
            "Mir wurde zweimal abgebucht.",
            "Die Zahlung ist fehlgeschlagen, aber das Geld ist weg.",
            "Bitte stornieren Sie die zweite Abbuchung.",
        ),
        "enquiry": (
            "Wann wird der Artikel ({item}) verschickt?",
            "Wie lange dauert die Lieferung?",
            "Können Sie mir eine Rechnung schicken?",
            "Kann ich die Lieferadresse ändern?",
        ),
    },
}

FR = {
    "items": {
        "apparel": ("veste", "robe", "chemise"),
        "electronics": ("casque", "chargeur", "enceinte"),
        "beauty": ("crème visage", "sérum"),
        "home": ("lampe", "bouilloire"),
        "food": ("thé", "café en grains"),
        "toys": ("puzzle", "jeu de construction"),
        "sports": ("tapis de yoga", "chaussures de course"),
    },
    "default_item": ("commande", "colis"),
    "greetings": ("Bonjour,", "Madame, Monsieur,", ""),
    "closings": ("Merci.", "Cordialement.", "Merci de me répondre rapidement.", ""),
    "vague": ("J'ai un problème avec ma commande.", "Merci de me contacter.", "Toujours pas de réponse ?"),
    "generic_subjects": ("Ma commande", "Problème", "Question"),
    "subjects": {
        "delivery_delay": ("Où est mon colis ?", "Retard de livraison"),
        "damaged": ("Article endommagé", "Colis abîmé"),
        "wrong_size": ("Mauvaise taille", "Échange de taille"),
        "plug_voltage": ("Prise incompatible", "Tension"),
        "customs": ("Frais de douane", "Colis bloqué en douane"),
        "refund": ("Remboursement", "Demande de remboursement"),
        "product_quality": ("Mauvaise qualité", "Article défectueux ({item})"),
        "payment": ("Double prélèvement", "Paiement"),
        "enquiry": ("Question sur ma commande", "Délai de livraison ?", "Facture"),
    },
    "phrases": {
        "delivery_delay": (
            "Ma commande ({item}) devait arriver il y a {days} jours.",
            "Le suivi ne bouge plus depuis {days} jours.",
            "Le colis n'est toujours pas arrivé.",
            "S'il n'arrive pas bientôt, je veux être remboursé.",
        ),
        "damaged": (
            "L'article ({item}) est arrivé cassé.",
            "Le carton était écrasé et l'article ({item}) est abîmé.",
            "Merci de m'envoyer un remplacement ou de me rembourser.",
        ),
        "wrong_size": (
            "L'article ({item}) est trop petit.",
            "L'article ({item}) est trop grand.",
            "Puis-je échanger contre une autre taille ?",
        ),
        "plug_voltage": (
            "La prise ne rentre pas dans nos prises.",
            "L'appareil est-il en 230 V ?",
            "Sans adaptateur je ne peux pas utiliser l'appareil ({item}).",
        ),
        "customs": (
            "Le colis est bloqué en douane.",
            "On me demande de payer la TVA à l'importation.",
            "Les frais de douane n'étaient pas indiqués.",
        ),
        "refund": (
            "J'ai renvoyé l'article ({item}) il y a {days} jours et je n'ai pas été remboursé.",
            "Merci de me rembourser.",
            "Quand vais-je recevoir mon remboursement ?",
        ),
        "product_quality": (
            "L'article ({item}) ne marche plus après {days} jours.",
            "La qualité est très mauvaise.",
            "Cela ne ressemble pas du tout aux photos.",
        ),
        "payment": (
            "J'ai été débité deux fois.",
            "Le paiement a échoué mais l'argent a été prélevé.",
            "Merci d'annuler le deuxième prélèvement.",
        ),
        "enquiry": (
            "Quand l'article ({item}) sera-t-il expédié ?",
            "Quel est le délai de livraison ?",
            "Pouvez-vous m'envoyer une facture ?",
            "Puis-je changer l'adresse de livraison ?",
        ),
    },
}

JA = {
    "items": {
        "apparel": ("ジャケット", "ワンピース", "シャツ"),
        "electronics": ("イヤホン", "充電器", "スピーカー"),
        "beauty": ("クリーム", "美容液"),
        "home": ("ランプ", "電気ケトル"),
        "food": ("お茶", "コーヒー豆"),
        "toys": ("パズル", "ブロック"),
        "sports": ("ヨガマット", "ランニングシューズ"),
    },
    "default_item": ("注文", "荷物"),
    "greetings": ("お世話になっております。", "こんにちは。", ""),
    "closings": ("よろしくお願いします。", "早めのご対応をお願いします。", ""),
    "vague": ("注文について問題があります。", "連絡をください。", "まだ返事がありません。"),
    "generic_subjects": ("注文について", "問題", "質問"),
    "subjects": {
        "delivery_delay": ("荷物が届かない", "配送遅延"),
        "damaged": ("商品破損", "{item}が壊れている"),
        "wrong_size": ("サイズ違い", "サイズ交換"),
        "plug_voltage": ("プラグが合わない", "電圧について"),
        "customs": ("関税について", "税関で止まっている"),
        "refund": ("返金依頼", "返金がまだ"),
        "product_quality": ("品質不良", "{item}の不具合"),
        "payment": ("二重請求", "支払いについて"),
        "enquiry": ("注文の問い合わせ", "配送日数", "領収書"),
    },
    "phrases": {
        "delivery_delay": (
            "{item}は{days}日前に届くはずでした。",
            "追跡情報が{days}日間更新されていません。",
            "まだ荷物が届いていません。",
            "すぐに届かないなら返金してください。",
        ),
        "damaged": (
            "{item}が壊れた状態で届きました。",
            "箱がつぶれていて、中の{item}も破損していました。",
            "交換か返金をお願いします。",
        ),
        "wrong_size": ("{item}が小さすぎます。", "{item}が大きすぎます。", "別のサイズに交換できますか？"),
        "plug_voltage": (
            "プラグがこちらのコンセントに合いません。",
            "この製品は100Vで使えますか？",
            "変換アダプターがないと{item}が使えません。",
        ),
        "customs": (
            "荷物が税関で止まっています。",
            "配達前に関税を払うように言われました。",
            "関税がかかるとは書いてありませんでした。",
        ),
        "refund": (
            "{days}日前に{item}を返品しましたが、まだ返金されていません。",
            "返金してください。",
            "返金はいつ反映されますか？",
        ),
        "product_quality": ("{item}が{days}日で壊れました。", "品質がとても悪いです。", "写真と全然違います。"),
        "payment": (
            "同じ注文で二回請求されました。",
            "支払いが失敗したのに引き落とされています。",
            "二回目の請求を取り消してください。",
        ),
        "enquiry": (
            "{item}はいつ発送されますか？",
            "配送には何日かかりますか？",
            "領収書を送ってもらえますか？",
            "配送先を変更できますか？",
        ),
    },
}
