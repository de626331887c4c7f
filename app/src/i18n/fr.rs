//! Français de Belgique (vouvoiement). The terms of spec §1 are kept the same
//! everywhere. A no-break space goes before a colon, as French typography wants, so the
//! colon never starts a line.

use super::texts::*;

pub static TEXTS: Texts = Texts {
    language: LanguageTexts {
        label: "Langue",
        save: "Enregistrer la langue",
        hint: "Les pages, e-mails et SMS qui vous sont adressés sont rédigés dans cette langue.",
    },
    errors: ErrorTexts {
        unauthorized: "Votre session a pris fin. Reconnectez-vous.",
        forbidden: "Vous n'avez pas l'autorisation d'ouvrir cette page.",
        busy: "Le serveur est occupé. Réessayez dans un instant.",
        not_found: "Cet enregistrement n'existe pas.",
        bad_request: "La demande n'a pas pu être comprise.",
        network: "Impossible de joindre le serveur. Vérifiez votre connexion et réessayez.",
        internal: "Une erreur s'est produite sur le serveur. Réessayez dans un instant.",
    },
    nav: NavTexts {
        main: "Menu principal",
        maintenance: "Maintenance",
        system: "Système",
        home: "Accueil",
        my_account: "Mon compte",
        organisation_personnel: "Organisation › Personnel",
        personnel: "Personnel",
        permissions: "Autorisations",
        security: "Sécurité",
        no_pages: "Aucune page pour vos autorisations.",
        sign_out: "Se déconnecter",
        page_not_found: "Page introuvable",
        go_home: "Aller à la page d'accueil",
    },
    sign_in: SignInTexts {
        title: "Se connecter",
        username: "Nom d'utilisateur",
        password: "Mot de passe",
        submit: "Se connecter",
        or: "ou",
        with_passkey: "Se connecter avec une clé d'accès",
        no_passkey_used: "Aucune clé d'accès n'a été utilisée. Réessayez, ou connectez-vous avec votre mot de passe.",
        passkey_unavailable: "Ce navigateur ne peut pas utiliser de clé d'accès ici.",
        passkey_needs_script: "Les clés d'accès ont besoin de JavaScript, qui est désactivé dans ce navigateur.",
    },
    code: CodeTexts {
        heading: "Introduisez votre code de sécurité",
        heading_passkey: "Utilisez votre clé d'accès",
        sent_to: "Nous avons envoyé un code à ",
        works_once_for: |time| format!(". Il n'est valable qu'une fois, pendant {time}."),
        open_app: "Ouvrez votre application d'authentification.",
        recovery_hint: "Tapez l'un de vos codes de récupération (xxxxx-xxxxx). Chacun n'est valable qu'une fois.",
        passkey_hint: "Utilisez votre clé d'accès\u{a0}: votre appareil vous demande votre empreinte, votre visage ou votre code PIN.",
        security_code: "Code de sécurité",
        trust_this_ip: "Faire confiance à cette adresse IP",
        trust_hint: "Ne cochez cette case que sur le réseau de votre bureau, jamais sur un réseau partagé ou public.",
        verify: "Vérifier",
        cancel: "Annuler",
        use_passkey: "Utiliser une clé d'accès",
        send_new_code: "Envoyer un nouveau code",
        email_instead: "M'envoyer plutôt un code par e-mail",
        text_instead: "M'envoyer plutôt un code par SMS",
        use_recovery: "Utiliser un code de récupération",
        use_app: "Utiliser l'application d'authentification",
        new_code_on_its_way: "Un nouveau code est en route. Seul le plus récent est valable.",
        code_on_its_way: "Un code est en route.",
        code_spent: "Ce code ne peut plus être utilisé. Reconnectez-vous.",
    },
    home: HomeTexts {
        welcome: "Bienvenue",
        welcome_name: "Bienvenue, ",
        lead: "Utilisez les onglets Maintenance et Système ci-dessus pour vous orienter.",
        no_code_asked: "Aucun code n'a été demandé\u{a0}: ",
        trusted_until: " est approuvée pour vous jusqu'au ",
        manage_in_account: "Gérez-la dans Mon compte",
        from_office: |name| format!("votre connexion vient du réseau de bureau {name}."),
    },
    time: TimeTexts {
        second: ("seconde", "secondes"),
        minute: ("minute", "minutes"),
        hour: ("heure", "heures"),
        day: ("jour", "jours"),
        just_now: "à l'instant",
        ahead: |span| format!("dans {span}"),
        ago: |span| format!("il y a {span}"),
        singular: |count| count <= 1,
        day_first: true,
    },
    account: &super::account_texts::FR,
    system: &super::system_texts::FR,
    pages: PageTexts {
        refused: "Vous n'avez pas l'autorisation d'ouvrir cette page.",
    },
    password: PasswordTexts {
        hint: |min| {
            format!(
                "Au moins {min} caractères, difficile à deviner\u{a0}: quelques mots sans lien font l'affaire."
            )
        },
        too_short: |min| format!("Utilisez au moins {min} caractères."),
        too_long: |max| format!("Utilisez au plus {max} caractères."),
    },
    loading: "Chargement…",
};

#[cfg(feature = "ssr")]
pub static SERVER_TEXTS: ServerTexts = ServerTexts {
    refusals: RefusalTexts {
        incorrect_credentials: "Nom d'utilisateur ou mot de passe incorrect.",
        no_channel: "L'authentification en deux étapes est activée, mais aucune adresse e-mail n'est \
                     enregistrée pour vous. Demandez à un administrateur d'en ajouter une dans Personnel.",
        wrong_code: "Ce code n'est pas valable.",
        passkey_not_accepted: "La clé d'accès n'a pas été acceptée. Réessayez, ou choisissez une autre méthode.",
        code_spent: "Ce code ne peut plus être utilisé. Reconnectez-vous.",
        send_failed: "Nous n'avons pas pu envoyer votre code. Réessayez dans un instant.",
        second_step_locked: "La connexion est bloquée\u{a0}: trop de codes de sécurité erronés ont été \
                             introduits pour votre compte. Demandez à un administrateur de vous \
                             attribuer un nouveau mot de passe.",
        not_your_way: "Cette méthode de connexion n'est pas configurée pour votre compte.",
        own_details_in_my_account: "Votre propre adresse e-mail, numéro de GSM et mot de passe se modifient dans Mon compte.",
        too_many_codes: |wait| {
            format!("Trop de codes vous ont été envoyés. Attendez {wait}, puis reconnectez-vous.")
        },
        sent_moments_ago: |wait| {
            format!("Un code vient d'être envoyé. Attendez {wait} avant d'en demander un nouveau.")
        },
    },
    mail: MailTexts {
        hello: |name| format!("Bonjour {name},"),
        code_subject: "Votre code de connexion Twostep",
        code_intro: "Votre code pour terminer la connexion à Twostep\u{a0}:",
        code_works_once: |time| format!("Il n'est valable qu'une fois, pendant {time}."),
        code_not_you: "Si ce n'était pas vous, quelqu'un connaît votre mot de passe\u{a0}: changez-le maintenant.",
        network_subject: "Twostep\u{a0}: un réseau est désormais approuvé pour votre connexion",
        network_trusted: |network, days| {
            format!(
                "Le réseau {network} est désormais approuvé pour votre connexion à Twostep\u{a0}: \
                 pendant {days} jours, une connexion depuis ce réseau ne demande que votre mot de passe."
            )
        },
        network_not_you: "Si ce n'était pas vous, changez votre mot de passe maintenant et demandez à un \
                          administrateur de supprimer l'entrée sur la page Sécurité.",
        two_step_subject: |on| {
            format!(
                "Twostep\u{a0}: l'authentification en deux étapes a été {}",
                on_off(on)
            )
        },
        two_step_turned: |who, on| {
            let done = if on { "activé" } else { "désactivé" };
            format!("{who} a {done} l'authentification en deux étapes pour tout le monde.")
        },
        two_step_check: "Si ce n'était pas prévu, vérifiez Système › Sécurité maintenant.",
        notice_not_you: "Si ce n'était pas vous, changez votre mot de passe maintenant et prévenez un administrateur.",
        notice_subject: |what| format!("Twostep\u{a0}: {what}"),
    },
    sms_code: |code, lifetime| {
        format!(
            "Votre code Twostep : {code}. Valable une fois, pendant {lifetime}. \
             Si ce n'était pas vous, changez votre mot de passe."
        )
    },
};

#[cfg(feature = "ssr")]
fn on_off(on: bool) -> &'static str {
    if on { "activée" } else { "désactivée" }
}
