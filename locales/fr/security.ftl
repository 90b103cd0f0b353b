# Sécurité du compte : connexion en deux étapes (codes TOTP et codes de secours).

two-factor-title = Connexion en deux étapes
two-factor-intro = Avec la connexion en deux étapes, se connecter demande votre mot de passe puis un code à six chiffres donné par une application d’authentification sur votre téléphone (comme FreeOTP, Aegis ou Google Authenticator). Quelqu’un qui apprendrait votre mot de passe ne pourrait toujours pas se connecter.
two-factor-staff-must = Les comptes du personnel doivent utiliser la connexion en deux étapes : activez-la ci-dessous avant d’utiliser les pages d’administration.
two-factor-step-scan = 1. Ajoutez le compte à votre application
two-factor-qr-alt = Code QR pour votre application d’authentification. Si vous ne pouvez pas le scanner, saisissez la clé écrite en dessous.
two-factor-secret-label = Ou saisissez cette clé dans l’application (lettres et chiffres, les espaces ne comptent pas) :
two-factor-open-app = Ouvrir dans une application d’authentification de cet appareil
two-factor-step-confirm = 2. Saisissez le code affiché par l’application
field-two-factor-app-code = Code à six chiffres de l’application
two-factor-confirm-submit = Activer la connexion en deux étapes
two-factor-is-on = La connexion en deux étapes est activée pour votre compte.
two-factor-codes-left = { $count ->
    [one] Il vous reste 1 code de secours inutilisé.
   *[other] Il vous reste { $count } codes de secours inutilisés.
}
two-factor-new-codes = Nouveaux codes de secours
two-factor-new-codes-intro = Vous avez utilisé une partie de vos codes de secours, ou perdu la liste ? Obtenez-en dix nouveaux : les anciens cessent aussitôt de fonctionner. Confirmez avec votre mot de passe et un code actuel de votre application (ou un code de secours).
two-factor-new-codes-submit = Obtenir de nouveaux codes de secours
two-factor-disable = Désactiver la connexion en deux étapes
two-factor-disable-intro = Pour la désactiver, confirmez avec votre mot de passe et un code actuel de votre application (ou un code de secours).
two-factor-disable-submit = Désactiver la connexion en deux étapes
two-factor-back-account = Retour à mon compte
two-factor-codes-title = Vos codes de secours
two-factor-codes-intro = Gardez ces codes en lieu sûr (imprimés, ou dans un gestionnaire de mots de passe). Si vous perdez votre téléphone, chaque code permet de se connecter une fois à la place d’un code de l’application. Ils ne sont affichés que maintenant.
two-factor-codes-done = J’ai gardé mes codes de secours
two-factor-code-title = Code de connexion
two-factor-code-intro = Votre mot de passe est correct. Pour terminer la connexion, saisissez le code que votre application d’authentification affiche maintenant.
field-two-factor-code = Code de l’application, ou code de secours
two-factor-code-hint = Six chiffres de l’application, ou l’un de vos codes de secours (comme abcde-12345).
two-factor-code-submit = Terminer la connexion
two-factor-code-restart = Recommencer la connexion
two-factor-error-code = Ce code n’est pas le bon, ou a déjà servi. Saisissez le code que l’application affiche maintenant, ou un code de secours inutilisé.
two-factor-error-start-again = Rechargez cette page pour obtenir une clé, puis saisissez le code que votre application affiche pour elle.
two-factor-already-on = La connexion en deux étapes est déjà activée pour ce compte.
two-factor-sign-in-again = Votre connexion n’a pas été terminée à temps, ou a été commencée dans un autre navigateur. Veuillez vous reconnecter avec votre mot de passe.
two-factor-enrol-first = Les comptes du personnel doivent d’abord activer la connexion en deux étapes.
two-factor-code-needed = Ce compte utilise la connexion en deux étapes : envoyez le code actuel de l’application dans « code ».
notice-two-factor-on = La connexion en deux étapes est activée.
notice-two-factor-off = La connexion en deux étapes est désactivée.
account-two-factor-link = Connexion en deux étapes
