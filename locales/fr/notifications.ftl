# Notifications, suivi, et à quelle fréquence une personne veut un courriel à leur sujet.

nav-notifications = Notifications
nav-notifications-unread = { $count ->
    [one] 1 non lue
   *[other] { $count } non lues
}
notifications-title = Mes notifications
notifications-none = Rien de nouveau pour l’instant. Suivez une démarche ou une proposition pour être informé de ce qui s’y passe.
notifications-unread = Nouveau
notifications-mark-read = Marquer comme lue
notifications-mark-all = Tout marquer comme lu
notice-notification-read = Marqué comme lu.
notice-following = Vous suivez désormais ceci : vous serez informé de ce qui s’y passe.
notice-not-following = Vous ne suivez plus ceci.

notification-answer = La ville a répondu à « { $title } » : { $state }.
notification-comment = Nouveau commentaire sur « { $title } ».
notification-reply = Quelqu’un a répondu à votre commentaire sur « { $title } ».
notification-results = Les résultats sont publiés : « { $title } ».
notification-hidden = Votre proposition « { $title } » a été masquée par la modération. Motif : { $reasons }.
notification-report = Un signalement attend la modération au sujet de « { $title } ».

subscription-proposal-start = Suivre cette proposition
subscription-proposal-stop = Ne plus suivre cette proposition
subscription-process-link = Notifications de cette démarche
subscription-process-title = Suivre une démarche
subscription-process-on = Vous suivez cette démarche : vous êtes informé de ses résultats.
subscription-process-off = Vous ne suivez pas cette démarche.
subscription-start = Suivre cette démarche
subscription-stop = Ne plus suivre cette démarche

account-email-frequency = Courriels sur mes notifications
field-email-frequency = À quelle fréquence
email-frequency-immediate = Tout de suite, pour chacune
email-frequency-daily = Une fois par jour, en un seul message
email-frequency-weekly = Une fois par semaine, en un seul message
email-frequency-none = Jamais
error-email-frequency = Veuillez choisir l’une des fréquences.
notification-phase = « { $title } » : phase { $phase }, du { $start } au { $end }.
notification-reason-none = non précisé
