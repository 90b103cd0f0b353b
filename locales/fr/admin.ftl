# Pages du personnel (français). Garder locales/en/admin.ftl en phase.
admin-dashboard-title = Administration
admin-back-dashboard = Retour à l'administration
admin-processes = Démarches
admin-no-process = Aucune démarche pour l'instant. Créez la première.
admin-col-process = Démarche
admin-col-status = État
admin-col-phases = Phases
admin-status-published = Publiée
admin-status-draft = Brouillon, non public
admin-status-hidden = masqué
admin-open-reports = { $count ->
    [0] Aucun signalement à examiner
    [one] Un signalement à examiner
   *[other] { $count } signalements à examiner
}
admin-process-new-title = Nouvelle démarche
admin-process-create = Créer la démarche
admin-process-edit-title = Démarche : { $title }
admin-process-details = Présentation
admin-field-process-title = Titre
admin-field-slug = Nom court dans l'adresse
admin-field-slug-hint = Lettres minuscules, chiffres et tirets, par exemple budget-2027. Il figure dans l'adresse de la page et dans l'adresse de fédération.
admin-field-description = Description
admin-field-description-hint = L'objet de la démarche et la façon d'y participer. Le format Markdown est accepté.
admin-field-scope = Territoire concerné
admin-field-scope-hint = Facultatif, par exemple « Toute la ville » ou « Quartier Nord ».
admin-field-categories = Catégories
admin-field-categories-hint = Une par ligne. Les habitants classent leurs propositions dans l'une d'elles.
admin-publication = Publication
admin-process-is-published = Cette démarche est publique.
admin-process-is-draft = Cette démarche est un brouillon : seul le personnel la voit.
admin-view-public-page = Voir sa page publique
admin-preview = La prévisualiser
admin-publish = Publier la démarche
admin-unpublish = La retirer du site
admin-phases = Phases
admin-dates-hint = Dates et heures à l’heure de la commune ({ $zone }), heure d’été comprise. Les phases se suivent sans se chevaucher.
admin-phase-number = Phase { $number }
admin-phase-new = Ajouter une phase
admin-phase-add = Ajouter cette phase
admin-phase-save = Enregistrer cette phase
admin-phase-delete = Supprimer cette phase
admin-field-phase-kind = Type de phase
admin-field-starts-at = Début
admin-field-ends-at = Fin
admin-phase-switches = Pendant cette phase, les habitants peuvent
admin-switch-proposals = déposer de nouvelles propositions
admin-switch-endorsements = soutenir des propositions
admin-switch-comments = commenter
admin-answer-title = Réponse officielle : { $title }
admin-field-answer-state = Décision
admin-field-answer = Réponse aux habitants
admin-field-answer-hint = Expliquez la décision. Elle s'affiche sur la page de la proposition. Le format Markdown est accepté.
admin-answer-publish = Publier la réponse
admin-answer-link = Répondre officiellement
admin-reports-title = Signalements
admin-no-reports = Rien à examiner.
admin-hidden-items = Contenus masqués
admin-no-hidden = Rien n'est masqué.
admin-kind-proposal = Proposition
admin-kind-comment = Commentaire
admin-hide = Masquer
admin-unhide = Afficher à nouveau
admin-dismiss = Classer les signalements
# En-têtes du tableau qui compte les lignes d’une file (courriels, envois) dans chaque état.
admin-count-state = État
admin-count-number = Nombre
