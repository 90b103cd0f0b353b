# The ballot as cards, its budget bar, the review before casting, a project's page, and
# "My participation".

## The budget bar (kept up to date by a script, or by the button without one)
ballot-bar-label = Share of the budget chosen
ballot-bar-text = { $chosen } of { $budget } chosen
ballot-bar-left = { $left } left
ballot-bar-over = Over the budget: remove a project to be able to vote.
ballot-points-label = Points given
ballot-points-text = Points given: { $given } of { $points }
ballot-points-left = { $left } left
ballot-points-over = More than { $points } points: take some back to be able to vote.
ballot-review = Review my choices before voting

## Review before casting
review-title = Review your ballot
review-intro = You chose:
review-points = { $points ->
    [one] 1 point
   *[other] { $points } points
}
review-replaces = You have already voted: this ballot will replace the previous one.
review-change = Change my choices

## A project
project-category = Category: { $category }
project-category-label = Category
project-more = More about “{ $title }”
project-back = Back to the ballot “{ $budget }”

## My participation
nav-participation = My participation
participation-title = My participation
participation-intro = Everything you have done here, and where it stands.
participation-nothing = You have not taken part yet. Have a look at the current processes: you can propose an idea, endorse others', discuss them and vote.
participation-start = See the current processes
participation-verification = Residency verification
participation-verified-census = Your residency is verified (the town's census).
participation-verified-in-person = Your residency is verified (at the town hall).
participation-not-verified = Your residency is not verified.
participation-proposals = My proposals
participation-endorsements = My endorsements
participation-comments = My comments
participation-ballots = My votes
participation-ballots-secret = The vote is secret: this page says where you voted, never for what. Your receipt lets you check that your ballot was counted.
participation-none = Nothing yet.
participation-more = Only the { $count } most recent are shown.
participation-answered = official answer on { $date }
participation-comment-on = On “{ $title }”
participation-voted-on = Voted on { $date }
participation-receipt-check = Check my receipt for “{ $budget }”
participation-receipt-later = Your receipt can be checked once the results are published.
