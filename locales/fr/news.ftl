# Flux Atom (écrits dans la langue de la ville) et suivre une démarche depuis le fédivers.
feed-town-title = { $town } : actualités des démarches participatives
feed-process-title = { $process } · { $town }
feed-town-subtitle = Nouvelles propositions, réponses officielles, résultats des budgets et avancement des projets financés.
feed-proposed = Nouvelle proposition : { $title }
feed-answered = Réponse officielle ({ $state }) : { $title }
feed-results = Résultats publiés : { $budget }
feed-results-summary = { $ballots ->
    [0] Aucun bulletin compté.
    [one] Un bulletin compté.
   *[other] { $ballots } bulletins comptés.
} Projets financés : { $projects }
feed-results-none-funded = aucun
feed-project-update = { $project } : { $status }, { $progress } %
feed-link = Actualités de cette démarche (flux Atom)
feed-town-link = Actualités de toutes les démarches (flux Atom)
feed-link-title = Actualités (Atom)
follow-title = Suivre depuis le fédivers
follow-page-title = Suivre « { $process } » depuis le fédivers
follow-intro = Suivez cette démarche depuis Mastodon ou un autre serveur du fédivers : ses actualités arrivent dans votre fil.
follow-handle-label = Adresse de cette démarche sur le fédivers :
follow-copy = Copier l’adresse
follow-copied = Adresse copiée.
follow-field = Votre adresse sur le fédivers, ou votre serveur
follow-hint = Par exemple @camille@mastodon.example, ou seulement mastodon.example.
follow-submit = Suivre depuis mon serveur
follow-error-malformed = Écrivez votre adresse sous la forme @nom@votre.serveur, ou seulement le nom de votre serveur (par exemple mastodon.example).
follow-error-unreachable = Votre serveur n’a pas pu être joint. Vérifiez son nom, ou réessayez dans un moment.
