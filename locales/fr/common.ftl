# Textes communs de l'interface (français). Garder locales/en/common.ftl à l'identique.
skip-to-content = Aller au contenu principal
nav-label = Menu principal
nav-processes = Démarches
nav-admin = Administration
nav-account = Mon compte
nav-login = Se connecter
nav-signup = Créer un compte
nav-logout = Se déconnecter
switch-language = English
footer-free-software = Plenum est un logiciel libre sous licence
footer-api = API publique
back-home = Retour à l'accueil
form-has-errors = Certains champs sont à corriger. Chaque problème est expliqué sous le champ concerné.
save = Enregistrer
cancel = Annuler
previous-page = Page précédente
next-page = Page suivante
page-of = Page { $page } sur { $pages }

error-title-not-found = Page introuvable
error-title-forbidden = Action non autorisée
error-title-throttled = Trop de tentatives
error-title-busy = Serveur occupé
error-title-internal = Une erreur est survenue
error-title-generic = Demande refusée
error-not-found = Cette page n'existe pas, ou n'est plus publique.
error-sign-in = Veuillez vous connecter pour continuer.
error-invalid = Certaines informations envoyées ne sont pas valides.
error-internal = Une erreur inattendue s'est produite de notre côté. Elle a été enregistrée ; merci de réessayer plus tard.
error-throttled = Trop de tentatives. Merci d'attendre { $minutes } minutes avant de réessayer.
error-busy = Beaucoup de personnes se connectent en ce moment. Merci de réessayer dans quelques secondes.
error-csrf = Ce formulaire a expiré ou n'a pas été envoyé depuis ce site. Revenez en arrière, rechargez la page et réessayez.
error-too-large = Votre envoi est trop volumineux.
error-already-exists = Cet élément existe déjà.
error-required = Ce champ est obligatoire.
error-too-short = Merci d'écrire au moins { $min } caractères.
error-too-long = Merci d'écrire au plus { $max } caractères.
error-control-characters = Merci de retirer de ce texte les caractères de contrôle invisibles (comme NUL).
error-email = Merci de saisir une adresse électronique, par exemple nom@exemple.fr.
error-email-taken = Un compte utilise déjà cette adresse. Connectez-vous, ou utilisez une autre adresse.
error-handle = Utilisez de 3 à 40 lettres minuscules, chiffres, tirets ou tirets bas, en commençant par une lettre ou un chiffre.
error-handle-taken = Ce nom est déjà pris. Merci d'en choisir un autre.
error-locale = Cette langue n'est pas disponible.
error-login-failed = L'adresse électronique ou le mot de passe est incorrect.
error-account-blocked = Ce compte a été bloqué par les services de la ville.
error-password-wrong = Le mot de passe est incorrect.
error-category = Merci de choisir une catégorie dans la liste.
error-stance = Merci de choisir pour, contre ou neutre.
error-parent = Le commentaire auquel vous répondez n'appartient pas à cette proposition.
error-reason = Merci de choisir un motif dans la liste.
error-edited-meanwhile = Cette proposition a été modifiée entre-temps. Rechargez la page pour voir la dernière version, puis modifiez-la à nouveau.
error-answer-state = Merci de choisir « en cours d'évaluation », « acceptée » ou « rejetée ».
error-answer-withdrawn = Une proposition retirée ne peut pas recevoir de réponse.
error-phase-kind = Merci de choisir un type de phase dans la liste.
error-dates-order = La fin doit être postérieure au début.
error-date = Merci de saisir une date et une heure.
error-date-skipped = Cette heure n’existe pas ce jour-là : les horloges de la commune passent à l’heure d’été. Choisissez une heure plus tard.
error-phase-overlap = Cette phase chevauche une autre phase de la démarche. Les phases doivent se suivre.
error-publish-needs-phase = Ajoutez au moins une phase avant de publier la démarche.
password-too-short = Votre mot de passe doit comporter au moins { $min } caractères.
password-too-long = Votre mot de passe doit comporter au plus { $max } caractères.
password-too-common = Ce mot de passe est trop courant et facile à deviner. Quelques mots sans lien entre eux font un mot de passe solide et facile à retenir.
password-contains-personal = Votre mot de passe ne doit contenir ni votre adresse électronique, ni votre nom d'utilisateur, ni le nom de ce site.

denied-not-published = Cette démarche n'est pas publiée.
denied-proposals-closed = Les nouvelles propositions ne sont pas acceptées pendant la phase actuelle ({ $phase }). { $opens ->
    [never] Aucune phase ultérieure ne les accepte.
   *[other] Elles ouvrent le { $opens }.
}
denied-endorsements-closed = Les soutiens sont fermés pendant la phase actuelle ({ $phase }). { $opens ->
    [never] Aucune phase ultérieure ne les ouvre.
   *[other] Ils ouvrent le { $opens }.
}
denied-comments-closed = Les commentaires sont fermés pendant la phase actuelle ({ $phase }). { $opens ->
    [never] Aucune phase ultérieure ne les ouvre.
   *[other] Ils ouvrent le { $opens }.
}
denied-not-author = Seul·e l'auteur·rice de cette proposition peut faire cela.
denied-answered = La ville a déjà répondu à cette proposition : elle ne peut plus être modifiée.
denied-proposal-closed = Cette proposition est retirée ou rejetée et ne reçoit plus de soutiens.
denied-staff-only = Cette page est réservée aux services de la ville.

phase-none = aucune
phase-information = Information
phase-proposals = Propositions
phase-evaluation = Évaluation
phase-vote = Vote
phase-results = Résultats
phase-implementation = Mise en œuvre

state-published = Publiée
state-evaluating = En cours d'évaluation
state-accepted = Acceptée
state-rejected = Rejetée
state-withdrawn = Retirée

stance-for = Pour
stance-against = Contre
stance-neutral = Neutre

month-1 = janvier
month-2 = février
month-3 = mars
month-4 = avril
month-5 = mai
month-6 = juin
month-7 = juillet
month-8 = août
month-9 = septembre
month-10 = octobre
month-11 = novembre
month-12 = décembre

notice-signed-up = Bienvenue ! Votre compte est créé et vous êtes connecté·e.
notice-signed-in = Vous êtes connecté·e.
notice-signed-out = Vous êtes déconnecté·e.
notice-proposal-created = Votre proposition est publiée.
notice-proposal-updated = Vos modifications sont enregistrées.
notice-proposal-withdrawn = Votre proposition est retirée.
notice-endorsed = Votre soutien est pris en compte.
notice-unendorsed = Votre soutien est retiré.
notice-comment-added = Votre commentaire est publié.
notice-reported = Merci. Les services de la ville examineront votre signalement.
notice-settings-saved = Vos réglages sont enregistrés.
notice-process-saved = La démarche est enregistrée.
notice-phase-saved = Les phases sont enregistrées.
notice-answer-saved = La réponse est publiée.
notice-moderation-done = C'est fait.
notice-token-created = Votre jeton d'API est créé. Copiez-le maintenant : il ne sera plus affiché.
notice-account-deleted = Votre compte est supprimé. Merci pour votre participation.

## Numbers, amounts, dates and times (CLDR's French forms)
number-group = { "\u202F" }
number-decimal = ,
percent = { $number }{ "\u202F" }%
money-symbol = { $number }{ "\u00A0" }{ $symbol }
money-code = { $number }{ "\u00A0" }{ $code }
date-format = { $day ->
    [1] 1er
   *[other] { $day }
} { $month } { $year }
datetime-format = { $date } à { $time }
time-whole-hour = { $hour } h
time-with-minutes = { $hour } h { $minute }
time-am = du matin
time-pm = de l'après-midi
