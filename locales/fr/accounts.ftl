# Courriels du compte (ticket 22) : confirmer l'adresse, mot de passe oublié, changer d'adresse.

## Confirmer l'adresse
confirm-banner-title = Confirmez votre adresse électronique
confirm-banner-required = Nous avons envoyé un lien à { $email }. Suivez-le pour confirmer votre adresse : d'ici là, vous pouvez lire et vous connecter, mais pas proposer, soutenir, commenter, voter ni signaler.
confirm-banner-optional = Nous avons envoyé un lien à { $email }. Suivez-le pour confirmer votre adresse : d'ici là, nous ne vous envoyons aucun courriel.
confirm-banner-resend = Renvoyer le lien
denied-email-unconfirmed = Confirmez d'abord votre adresse électronique en suivant le lien que nous vous avons envoyé. Vous pouvez demander un nouveau lien en haut de chaque page.
notice-email-confirmed = Votre adresse électronique est confirmée. Merci !
notice-confirmation-sent = Nous avons envoyé un nouveau lien à votre adresse. Il est valable 48 heures.

## Liens qui ne fonctionnent pas
link-refused-title = Ce lien ne fonctionne pas
link-unknown = Nous ne connaissons pas ce lien. Il a peut-être été coupé ou mal recopié : copiez toute l'adresse du courriel.
link-used = Ce lien a déjà servi. Chaque lien ne sert qu'une fois.
link-expired = Ce lien a expiré.
link-reset-again = Demandez un nouveau lien : nous vous l'envoyons aussitôt. Il est valable une heure.
link-reset-ask = Demander un nouveau lien
link-confirm-again = Connectez-vous : chaque page vous propose alors de renvoyer un lien.
link-change-again = Demandez à nouveau le changement depuis la page de votre compte.

## Mot de passe oublié
login-forgot = Mot de passe oublié ?
forgot-title = Mot de passe oublié
forgot-intro = Indiquez l'adresse électronique de votre compte. Nous vous enverrons un lien pour choisir un nouveau mot de passe.
forgot-submit = M'envoyer un lien
forgot-sent = Si un compte utilise cette adresse, nous y avons envoyé un lien. Il ne sert qu'une fois et reste valable une heure.
forgot-sent-hint = Pas de courriel après quelques minutes ? Regardez dans vos indésirables, ou vérifiez l'adresse et recommencez.
reset-title = Choisir un nouveau mot de passe
reset-intro = Le nouveau mot de passe remplace l'ancien et vous déconnecte partout ailleurs.
field-new-password = Nouveau mot de passe
reset-submit = Enregistrer mon nouveau mot de passe
notice-password-reset = Votre mot de passe est changé et vos autres sessions sont fermées. Connectez-vous avec le nouveau mot de passe.

## Changer d'adresse
account-email-change = Changer d'adresse électronique
account-email-change-intro = Nous enverrons un lien à la nouvelle adresse ; le changement n'a lieu que lorsque vous le suivez. Votre adresse actuelle en est avertie.
field-new-email = Nouvelle adresse électronique
field-current-password = Votre mot de passe actuel
account-email-change-submit = Envoyer le lien à la nouvelle adresse
error-email-same = C'est déjà votre adresse.
notice-email-change-sent = Nous avons envoyé un lien à votre nouvelle adresse. Elle remplace l'ancienne lorsque vous le suivez.
notice-email-changed = Votre adresse électronique est changée.

## Les courriels
mail-account-reason = Vous recevez ce message à la suite d'une action sur votre compte sur { $town }. Si ce n'était pas vous, vous pouvez l'ignorer.
mail-confirm-subject = { $town } : confirmez votre adresse électronique
mail-confirm-heading = Confirmez votre adresse électronique
mail-confirm-body = Vous avez créé un compte sur { $town } avec cette adresse. Suivez le lien pour la confirmer ; vous pourrez ensuite participer (proposer, soutenir, commenter, voter). Le lien ne sert qu'une fois et reste valable 48 heures.
mail-confirm-action = Confirmer mon adresse
mail-reset-subject = { $town } : choisissez un nouveau mot de passe
mail-reset-heading = Choisissez un nouveau mot de passe
mail-reset-body = Quelqu'un, vous sans doute, a demandé un nouveau mot de passe pour le compte de cette adresse. Suivez le lien pour le choisir. Il ne sert qu'une fois et reste valable une heure.
mail-reset-ignore = Si vous n'avez rien demandé, ignorez ce message : votre mot de passe ne change pas.
mail-reset-action = Choisir un nouveau mot de passe
mail-change-new-subject = { $town } : confirmez votre nouvelle adresse électronique
mail-change-new-heading = Confirmez votre nouvelle adresse électronique
mail-change-new-body = Vous avez demandé à utiliser cette adresse pour votre compte { $username } sur { $town }. Suivez le lien pour la confirmer ; d'ici là, votre compte garde son ancienne adresse. Le lien ne sert qu'une fois et reste valable 48 heures.
mail-change-new-action = Utiliser cette adresse
mail-change-old-subject = { $town } : un changement de votre adresse électronique a été demandé
mail-change-old-heading = Un changement de votre adresse électronique a été demandé
mail-change-old-body = Une personne connectée à votre compte { $username } a demandé à le déplacer vers l'adresse { $new }. Rien ne change tant que le lien envoyé à cette adresse n'est pas suivi.
mail-change-old-not-you = Si ce n'était pas vous, choisissez tout de suite un nouveau mot de passe : cela déconnecte tout le monde ailleurs.
mail-change-old-action = Choisir un nouveau mot de passe
