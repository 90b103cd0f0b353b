# Courriel : ce que disent les notifications par courriel et les résumés, les pages de désabonnement, la page « Courriels » du personnel.

mail-footer-town = { $town }
mail-settings = Mes réglages de courriel
mail-unsubscribe = Se désabonner
mail-open = Voir
mail-open-notifications = Voir toutes mes notifications
mail-notification-subject = { $town } : { $text }
mail-reason-immediate = Vous recevez ce message parce que vous avez demandé à être prévenu·e tout de suite de chaque notification.
mail-reason-daily = Vous recevez ce résumé une fois par jour parce que vous suivez ce qui se passe dans votre commune.
mail-reason-weekly = Vous recevez ce résumé une fois par semaine parce que vous suivez ce qui se passe dans votre commune.
mail-digest-subject-daily = { $town } : { $count ->
    [one] 1 nouvelle notification aujourd’hui
   *[other] { $count } nouvelles notifications aujourd’hui
}
mail-digest-subject-weekly = { $town } : { $count ->
    [one] 1 nouvelle notification cette semaine
   *[other] { $count } nouvelles notifications cette semaine
}
mail-digest-heading = { $count ->
    [one] Voici ce qui s’est passé depuis notre dernier message.
   *[other] Voici les { $count } nouveautés depuis notre dernier message.
}
error-mail-address = Cette adresse électronique n’est pas valide.

notification-proposal = Nouvelle proposition dans une démarche que vous suivez : « { $title } ».
notification-phase-start = « { $title } » : la phase { $phase } a commencé.
notification-vote-open = « { $title } » : le vote est ouvert.
notification-vote-close = « { $title } » : le vote est clos.

unsubscribe-title = Ne plus recevoir de courriels
unsubscribe-confirm = Voulez-vous ne plus recevoir de courriels sur vos notifications ? Vous les verrez toujours sur le site.
unsubscribe-confirm-process = Voulez-vous ne plus suivre cette démarche ? Vous n’en serez plus informé·e.
unsubscribe-button = Ne plus recevoir de courriels
unsubscribe-done = C’est fait : vous ne recevrez plus de courriels sur vos notifications. Vous pouvez les réactiver dans les réglages de votre compte.
unsubscribe-done-process = C’est fait : vous ne suivez plus cette démarche.
unsubscribe-invalid = Ce lien de désabonnement n’est pas valide. Votre messagerie l’a peut-être coupé : copiez le lien en entier, ou connectez-vous et changez vos réglages de courriel dans votre compte.

admin-mail-title = Courriels
admin-mail-nav = Courriels
admin-mail-counts = Courriels par état
admin-mail-state-pending = En attente d’envoi
admin-mail-state-sending = En cours d’envoi
admin-mail-state-sent = Envoyés
admin-mail-state-failed = En échec
admin-mail-no-transport = Aucune sortie n’est configurée (PLENUM_SMTP_URL ou PLENUM_MAIL_DIR) : les courriels attendent dans la file.
admin-mail-failed = Courriels en échec
admin-mail-failed-none = Aucun courriel en échec.
admin-mail-to = Destinataire
admin-mail-subject = Objet
admin-mail-kind = Type
admin-mail-attempts = Tentatives
admin-mail-error = Erreur
admin-mail-created = Mis en file
admin-mail-retry = Renvoyer
notice-mail-retried = Le courriel sera renvoyé.
