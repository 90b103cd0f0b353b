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
