//! Diesel table definitions, shared by both backends.
//! Written by hand to match `migrations/{sqlite,postgres}`; only types both backends share are used.

diesel::table! {
    instance_settings (key) {
        key -> Text,
        value -> Text,
    }
}

diesel::table! {
    users (id) {
        id -> Text,
        username -> Text,
        email -> Nullable<Text>,
        display_name -> Text,
        password_hash -> Nullable<Text>,
        role -> Text,
        locale -> Nullable<Text>,
        blocked -> Bool,
        created_at -> Timestamp,
        deleted_at -> Nullable<Timestamp>,
        email_frequency -> Text,
        email_confirmed_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    sessions (token_hash) {
        token_hash -> Text,
        user_id -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    api_tokens (token_hash) {
        token_hash -> Text,
        user_id -> Text,
        label -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    rate_limits (bucket) {
        bucket -> Text,
        window_start -> Timestamp,
        hits -> BigInt,
    }
}

diesel::table! {
    processes (id) {
        id -> Text,
        slug -> Text,
        title -> Text,
        description -> Text,
        description_html -> Text,
        scope -> Text,
        published -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        eligibility -> Text,
        peer_hosts -> Text,
        eligibility_propose -> Text,
        eligibility_comment -> Text,
        eligibility_vote -> Text,
    }
}

diesel::table! {
    categories (id) {
        id -> Text,
        process_id -> Text,
        name -> Text,
        position -> Integer,
    }
}

diesel::table! {
    phases (id) {
        id -> Text,
        process_id -> Text,
        position -> Integer,
        kind -> Text,
        starts_at -> Timestamp,
        ends_at -> Timestamp,
        proposals_enabled -> Bool,
        endorsements_enabled -> Bool,
        comments_enabled -> Bool,
    }
}

diesel::table! {
    proposals (id) {
        id -> Text,
        process_id -> Text,
        author_id -> Nullable<Text>,
        category_id -> Nullable<Text>,
        title -> Text,
        body -> Text,
        body_html -> Text,
        search_text -> Text,
        state -> Text,
        answer -> Nullable<Text>,
        answer_html -> Nullable<Text>,
        answered_at -> Nullable<Timestamp>,
        endorsement_count -> BigInt,
        comment_count -> BigInt,
        random_key -> BigInt,
        hidden -> Bool,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        federated_count -> BigInt,
        share_count -> BigInt,
        against_count -> BigInt,
    }
}

diesel::table! {
    proposal_versions (id) {
        id -> Text,
        proposal_id -> Text,
        version -> Integer,
        title -> Text,
        body -> Text,
        editor_id -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    endorsements (id) {
        id -> Text,
        proposal_id -> Text,
        user_id -> Text,
        created_at -> Timestamp,
        class -> Text,
        ap_id -> Nullable<Text>,
        attested_by -> Nullable<Text>,
    }
}

diesel::table! {
    comments (id) {
        id -> Text,
        proposal_id -> Text,
        author_id -> Nullable<Text>,
        parent_id -> Nullable<Text>,
        body -> Text,
        body_html -> Text,
        stance -> Text,
        hidden -> Bool,
        created_at -> Timestamp,
        ap_id -> Nullable<Text>,
    }
}

diesel::table! {
    reports (id) {
        id -> Text,
        reporter_id -> Nullable<Text>,
        target_kind -> Text,
        target_id -> Text,
        reason -> Text,
        details -> Text,
        created_at -> Timestamp,
        resolved_at -> Nullable<Timestamp>,
        resolution -> Nullable<Text>,
    }
}

diesel::table! {
    budgets (id) {
        id -> Text,
        process_id -> Text,
        slug -> Text,
        title -> Text,
        description -> Text,
        amount -> Text,
        currency -> Text,
        ballot_type -> Text,
        min_choices -> Integer,
        max_choices -> Integer,
        points -> Integer,
        rule -> Text,
        live_tallies -> Bool,
        published_outcome -> Nullable<Text>,
        ballot_log_sha256 -> Nullable<Text>,
        published_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    budget_projects (id) {
        id -> Text,
        budget_id -> Text,
        code -> Text,
        title -> Text,
        description -> Text,
        cost -> Text,
        proposal_id -> Nullable<Text>,
    }
}

diesel::table! {
    ballots (budget_id, voter_tag) {
        budget_id -> Text,
        voter_tag -> Text,
        receipt_hash -> Text,
        choices -> Text,
        points -> Text,
    }
}

diesel::table! {
    sealed_ballots (budget_id, voter_tag) {
        budget_id -> Text,
        voter_tag -> Text,
        receipt_key -> Text,
        sealed -> Text,
    }
}

diesel::table! {
    ballot_casts (budget_id, user_id) {
        budget_id -> Text,
        user_id -> Text,
        first_cast_at -> Timestamp,
    }
}

diesel::table! {
    signing_keys (owner_id) {
        owner_id -> Text,
        private_key -> Text,
        public_multibase -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    project_updates (id) {
        id -> Text,
        project_id -> Text,
        status -> Text,
        progress -> Integer,
        note -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    actor_keys (owner_kind, owner_id) {
        owner_kind -> Text,
        owner_id -> Text,
        public_pem -> Text,
        private_pem -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    remote_actors (ap_id) {
        ap_id -> Text,
        kind -> Text,
        host -> Text,
        preferred_username -> Text,
        name -> Text,
        inbox -> Text,
        shared_inbox -> Nullable<Text>,
        public_key_pem -> Text,
        url -> Nullable<Text>,
        local_user_id -> Nullable<Text>,
        fetched_at -> Timestamp,
    }
}

diesel::table! {
    followers (process_id, actor_ap_id) {
        process_id -> Text,
        actor_ap_id -> Text,
        inbox -> Text,
        follow_ap_id -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    remote_processes (id) {
        id -> Text,
        ap_id -> Text,
        host -> Text,
        handle -> Text,
        title -> Text,
        summary_html -> Text,
        url -> Text,
        inbox -> Text,
        current_phase -> Nullable<Text>,
        phases_json -> Text,
        eligibility -> Text,
        follow_state -> Text,
        follow_ap_id -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    remote_proposals (id) {
        id -> Text,
        ap_id -> Text,
        remote_process_id -> Text,
        author_name -> Text,
        author_ap_id -> Text,
        title -> Text,
        content_html -> Text,
        url -> Text,
        state -> Text,
        answer_html -> Nullable<Text>,
        binding_count -> BigInt,
        federated_count -> BigInt,
        comment_count -> BigInt,
        deleted -> Bool,
        published_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    remote_endorsements (user_id, remote_proposal_id) {
        user_id -> Text,
        remote_proposal_id -> Text,
        like_ap_id -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    remote_comments (id) {
        id -> Text,
        ap_id -> Text,
        remote_proposal_id -> Text,
        author_name -> Text,
        author_ap_id -> Text,
        content_html -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    remote_results (id) {
        id -> Text,
        ap_id -> Text,
        remote_process_id -> Text,
        title -> Text,
        url -> Text,
        document -> Text,
        verified -> Bool,
        received_at -> Timestamp,
    }
}

diesel::table! {
    received_activities (ap_id) {
        ap_id -> Text,
        actor_ap_id -> Text,
        kind -> Text,
        received_at -> Timestamp,
    }
}

diesel::table! {
    outbound_activities (id) {
        id -> Text,
        ap_id -> Text,
        kind -> Text,
        signer_kind -> Text,
        signer_id -> Text,
        body -> Text,
        coalesce_key -> Nullable<Text>,
        created_at -> Timestamp,
        form -> Nullable<Text>,
    }
}

diesel::table! {
    posted_proposals (ap_id) {
        ap_id -> Text,
        proposal_id -> Text,
    }
}

diesel::table! {
    peer_software (host) {
        host -> Text,
        software -> Text,
        fetched_at -> Timestamp,
    }
}

diesel::table! {
    deliveries (id) {
        id -> Text,
        activity_id -> Text,
        inbox -> Text,
        state -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        locked_until -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
        delivered_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    reactions (id) {
        id -> Text,
        proposal_id -> Text,
        user_id -> Text,
        kind -> Text,
        ap_id -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    census_entries (hash) {
        hash -> Text,
    }
}

diesel::table! {
    verifications (user_id) {
        user_id -> Text,
        method -> Text,
        census_hash -> Nullable<Text>,
        verified_by -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    verification_events (id) {
        id -> Text,
        user_id -> Nullable<Text>,
        kind -> Text,
        actor_id -> Nullable<Text>,
        detail -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    federation_peers (host) {
        host -> Text,
        policy -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    notifications (id) {
        id -> Text,
        user_id -> Text,
        kind -> Text,
        event_key -> Text,
        process_id -> Nullable<Text>,
        proposal_id -> Nullable<Text>,
        comment_id -> Nullable<Text>,
        args -> Text,
        created_at -> Timestamp,
        read_at -> Nullable<Timestamp>,
        mailed_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    subscriptions (user_id, target_kind, target_id) {
        user_id -> Text,
        target_kind -> Text,
        target_id -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    mails (id) {
        id -> Text,
        dedupe_key -> Text,
        kind -> Text,
        user_id -> Nullable<Text>,
        to_address -> Text,
        to_name -> Nullable<Text>,
        locale -> Text,
        subject -> Text,
        text_body -> Text,
        html_body -> Text,
        list_unsubscribe -> Nullable<Text>,
        state -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        locked_until -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
        created_at -> Timestamp,
        sent_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    mail_passes (name) {
        name -> Text,
        ran_at -> Timestamp,
    }
}

diesel::table! {
    attachments (id) {
        id -> Text,
        owner_kind -> Text,
        owner_id -> Text,
        uploader_id -> Nullable<Text>,
        kind -> Text,
        content_type -> Text,
        byte_size -> BigInt,
        sha256 -> Text,
        alt_text -> Text,
        file_name -> Text,
        width -> Nullable<Integer>,
        height -> Nullable<Integer>,
        created_at -> Timestamp,
    }
}

diesel::joinable!(notifications -> users (user_id));
diesel::joinable!(subscriptions -> users (user_id));
diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(project_updates -> budget_projects (project_id));
diesel::joinable!(budgets -> processes (process_id));
diesel::joinable!(budget_projects -> budgets (budget_id));
diesel::joinable!(ballots -> budgets (budget_id));
diesel::joinable!(sealed_ballots -> budgets (budget_id));
diesel::joinable!(ballot_casts -> budgets (budget_id));
diesel::joinable!(api_tokens -> users (user_id));
diesel::joinable!(categories -> processes (process_id));
diesel::joinable!(phases -> processes (process_id));
diesel::joinable!(proposals -> processes (process_id));
diesel::joinable!(posted_proposals -> proposals (proposal_id));
diesel::joinable!(proposals -> users (author_id));
diesel::joinable!(proposals -> categories (category_id));
diesel::joinable!(proposal_versions -> proposals (proposal_id));
diesel::joinable!(endorsements -> proposals (proposal_id));
diesel::joinable!(endorsements -> users (user_id));
diesel::joinable!(comments -> proposals (proposal_id));
diesel::joinable!(comments -> users (author_id));
diesel::joinable!(deliveries -> outbound_activities (activity_id));
diesel::joinable!(remote_proposals -> remote_processes (remote_process_id));
diesel::joinable!(remote_comments -> remote_proposals (remote_proposal_id));
diesel::joinable!(followers -> processes (process_id));
diesel::joinable!(remote_results -> remote_processes (remote_process_id));

diesel::allow_tables_to_appear_in_same_query!(
    instance_settings,
    users,
    sessions,
    api_tokens,
    rate_limits,
    processes,
    categories,
    phases,
    proposals,
    proposal_versions,
    endorsements,
    comments,
    reports,
    budgets,
    budget_projects,
    ballots,
    sealed_ballots,
    ballot_casts,
    signing_keys,
    project_updates,
    actor_keys,
    remote_actors,
    followers,
    remote_processes,
    remote_proposals,
    remote_endorsements,
    remote_comments,
    remote_results,
    received_activities,
    outbound_activities,
    deliveries,
    peer_software,
    posted_proposals,
    federation_peers,
    reactions,
    census_entries,
    verifications,
    verification_events,
    notifications,
    subscriptions,
    mails,
    mail_passes,
    attachments,
);

// Account security (two-factor sign-in), kept in its own block so it merges apart from the rest.
diesel::table! {
    two_factor (user_id) {
        user_id -> Text,
        secret -> Text,
        enabled_at -> Nullable<Timestamp>,
        last_step -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    recovery_codes (user_id, code_hash) {
        user_id -> Text,
        code_hash -> Text,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    pending_sign_ins (token_hash) {
        token_hash -> Text,
        user_id -> Text,
        visitor_hash -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
    }
}

diesel::joinable!(two_factor -> users (user_id));
diesel::joinable!(recovery_codes -> users (user_id));
diesel::joinable!(pending_sign_ins -> users (user_id));

diesel::allow_tables_to_appear_in_same_query!(users, two_factor, recovery_codes, pending_sign_ins);
// The session lookup asks whether its account has two-factor sign-in on in the same statement.
diesel::allow_tables_to_appear_in_same_query!(two_factor, sessions);
diesel::allow_tables_to_appear_in_same_query!(two_factor, api_tokens);

diesel::table! {
    account_tokens (token_hash) {
        token_hash -> Text,
        user_id -> Text,
        purpose -> Text,
        email -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(account_tokens -> users (user_id));
diesel::allow_tables_to_appear_in_same_query!(users, account_tokens);
