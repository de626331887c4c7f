//! The texts of the system pages, in each language. (Filled in by area: each field in
//! all three statics, or the build fails.)
//!
//! Personnel, Permissions and Security (with its office networks, Check an address and
//! security events). English is the product's own wording; Dutch and French are written
//! as in Belgian offices ("u", "vous"), French with a no-break space before `:` `;` `!` `?`.

/// What the browser shows on these pages.
pub struct SystemTexts {
    /// "Previous", "Next" and "101–150 of 230" under a long list.
    pub pager: PagerTexts,
    /// System › Permissions, and the names of the permissions.
    pub permissions: PermissionsTexts,
    /// Maintenance › Organisation › Personnel.
    pub personnel: PersonnelTexts,
    /// System › Security: the toggle, who cannot receive a code, trusted IP addresses, the
    /// trust period.
    pub security: SecurityTexts,
    /// Security's office networks and Check an address.
    pub offices: OfficeTexts,
    /// Security's list of security events.
    pub events: EventTexts,
}

pub struct PagerTexts {
    pub previous: &'static str,
    pub next: &'static str,
    /// (first, last, total): "101–150 of 230".
    pub range: fn(i64, i64, i64) -> String,
}

pub struct PermissionsTexts {
    /// The permissions' names, as the grid's columns and the refusals name them.
    pub personnel: &'static str,
    pub permissions: &'static str,
    pub security: &'static str,
    /// The page's title and heading.
    pub title: &'static str,
    pub lead: &'static str,
    pub needs_script: &'static str,
    pub caption: &'static str,
    /// The hidden heading of the column that says what became of a change.
    pub result: &'static str,
    /// (permission, username): a box's name, "Security for jdoe".
    pub for_person: fn(&str, &str) -> String,
    pub granted: &'static str,
    pub removed: &'static str,
    pub saving: &'static str,
}

pub struct PersonnelTexts {
    /// The page's title, heading and the table's caption.
    pub title: &'static str,
    pub add_person: &'static str,
    pub search: &'static str,
    pub search_placeholder: &'static str,
    pub saved: &'static str,
    pub name: &'static str,
    pub username: &'static str,
    pub email: &'static str,
    pub phone: &'static str,
    pub mobile: &'static str,
    pub password: &'static str,
    pub active: &'static str,
    pub yes: &'static str,
    pub no: &'static str,
    /// The name of the pager under the list.
    pub pages: &'static str,
    /// "Edit Jane Doe"
    pub edit: fn(&str) -> String,
    pub keep_password: &'static str,
    /// Before the link to My account.
    pub own_details: &'static str,
    pub my_account: &'static str,
    /// After the link to My account.
    pub own_details_end: &'static str,
    pub save: &'static str,
    pub cancel: &'static str,
    /// Why Email, Mobile, Password and Active are read-only: (the person's name).
    pub sign_in_locked: fn(&str) -> String,
}

pub struct SecurityTexts {
    /// The page's title and heading.
    pub title: &'static str,
    pub two_step: &'static str,
    pub two_step_lead: &'static str,
    pub enabled: &'static str,
    pub disabled: &'static str,
    /// Before the address.
    pub your_ip: &'static str,
    pub unreachable_heading: &'static str,
    pub everyone_reachable: &'static str,
    /// Two-step authentication on: they are locked out now.
    pub unreachable_now: &'static str,
    /// Two-step authentication off: they would be once it is on.
    pub unreachable_later: &'static str,
    pub trusted_heading: &'static str,
    pub trusted_filter: &'static str,
    pub sort_by: &'static str,
    /// The filters' button.
    pub show: &'static str,
    pub trusted_caption: &'static str,
    /// The name of the pager under the trusted IP addresses.
    pub trusted_pages: &'static str,
    pub trust_period: &'static str,
    pub trust_days: &'static str,
    /// (fewest, most days)
    pub trust_days_hint: fn(i64, i64) -> String,
    pub trust_saved: &'static str,
    pub save_trust_period: &'static str,
}

pub struct OfficeTexts {
    /// The section's heading and the table's caption.
    pub heading: &'static str,
    pub lead: &'static str,
    /// (the reason)
    pub not_removed: fn(&str) -> String,
    /// (name, the reason)
    pub name_not_removed: fn(&str, &str) -> String,
    pub none: &'static str,
    /// "Remove Brussels HQ"
    pub remove: fn(&str) -> String,
    pub name: &'static str,
    pub addresses: &'static str,
    pub added: &'static str,
    pub by: &'static str,
    /// The hidden heading of the column of Remove buttons.
    pub remove_column: &'static str,
    /// "Brussels HQ added."
    pub added_note: fn(&str) -> String,
    pub add_heading: &'static str,
    pub addresses_hint: &'static str,
    pub add_button: &'static str,
    /// Check an address's heading and field.
    pub check_heading: &'static str,
    pub check_button: &'static str,
    pub check_two_step_off: &'static str,
    pub check_proxy: &'static str,
    /// Around the office's name: "In the office network " … ": no code for anyone else."
    pub check_office_start: &'static str,
    pub check_office_end: &'static str,
    /// (administrators' names, joined) " Still asked (…): Ann, Bob."
    pub check_still_asked: fn(&str) -> String,
    /// Around a person's name, their range and the end of its trust:
    /// "" Jane "'s trusted IP address " 10.1.2.3/32 ": no code for them until " … ".".
    pub entry_start: &'static str,
    pub entry_after_name: &'static str,
    pub entry_after_network: &'static str,
    pub entry_end: &'static str,
    pub check_nothing: &'static str,
    /// Around the checked address: "From " … ":".
    pub check_from_start: &'static str,
    pub check_from_end: &'static str,
}

pub struct EventTexts {
    pub heading: &'static str,
    pub filter_person: &'static str,
    pub kind: &'static str,
    /// The Kind filter's "any kind".
    pub all: &'static str,
    /// A stored kind (`sign_in_ok`) as people read it.
    pub kind_label: fn(&str) -> String,
    pub caption: &'static str,
    pub when: &'static str,
    pub event: &'static str,
    pub by: &'static str,
    pub person: &'static str,
    pub ip_address: &'static str,
    pub detail: &'static str,
    /// (listed, total)
    pub count: fn(i64, i64) -> String,
    pub show_more: &'static str,
    /// Follows the count, so it starts with a space.
    pub narrow: &'static str,
}

pub static EN: SystemTexts = SystemTexts {
    pager: PagerTexts {
        previous: "Previous",
        next: "Next",
        range: |first, last, total| format!("{first}–{last} of {total}"),
    },
    permissions: PermissionsTexts {
        personnel: "Personnel",
        permissions: "Permissions",
        security: "Security",
        title: "Permissions",
        lead: "A change is saved as soon as you tick or clear a box.",
        needs_script: "Changing permissions needs JavaScript, which is off in this browser.",
        caption: "Permissions per person",
        result: "Result",
        for_person: |permission, username| format!("{permission} for {username}"),
        granted: "Granted.",
        removed: "Removed.",
        saving: "Saving…",
    },
    personnel: PersonnelTexts {
        title: "Personnel",
        add_person: "Add person",
        search: "Search",
        search_placeholder: "Name, username or email",
        saved: "Saved.",
        name: "Name",
        username: "Username",
        email: "Email",
        phone: "Phone",
        mobile: "Mobile",
        password: "Password",
        active: "Active",
        yes: "Yes",
        no: "No",
        pages: "Pages",
        edit: |name| format!("Edit {name}"),
        keep_password: "Leave empty to keep the current password.",
        own_details: "Your own email, mobile number and password are changed in ",
        my_account: "My account",
        own_details_end: ".",
        save: "Save",
        cancel: "Cancel",
        sign_in_locked: |name| {
            format!("Only someone with all of {name}'s permissions can change their sign-in details.")
        },
    },
    security: SecurityTexts {
        title: "Security",
        two_step: "Two-step authentication",
        two_step_lead: "When it is enabled, everyone signs in with their password and then a code sent to \
                        them.",
        enabled: "Enabled",
        disabled: "Disabled",
        your_ip: "Your IP address as the server sees it: ",
        unreachable_heading: "Staff who cannot receive a code",
        everyone_reachable: "Everyone active can receive a code: an email address on file, or an \
                             authenticator app.",
        unreachable_now: "They cannot sign in now. Add an email address for each in Personnel.",
        unreachable_later: "They could not sign in once two-step authentication is enabled. Add an email \
                            address for each in Personnel, or ask them to set up an authenticator app in My \
                            account first.",
        trusted_heading: "Trusted IP addresses",
        trusted_filter: "Filter by person or address",
        sort_by: "Sort by",
        show: "Show",
        trusted_caption: "Trusted IP addresses of every person",
        trusted_pages: "Pages of trusted IP addresses",
        trust_period: "Trust period",
        trust_days: "Trust period (days)",
        trust_days_hint: |fewest, most| {
            format!("From {fewest} to {most} days. A new period applies to addresses already trusted too.")
        },
        trust_saved: "Saved. Every trusted IP address now expires this many days after it was added.",
        save_trust_period: "Save trust period",
    },
    offices: OfficeTexts {
        heading: "Office networks",
        lead: "From these ranges no code is asked of staff who hold neither Security nor Permissions. \
               Administrators always give a second step, and everyone types their password.",
        not_removed: |error| format!("The office network was not removed: {error}"),
        name_not_removed: |name, error| format!("{name} was not removed: {error}"),
        none: "No office networks.",
        remove: |name| format!("Remove {name}"),
        name: "Name",
        addresses: "Addresses",
        added: "Added",
        by: "By",
        remove_column: "Remove",
        added_note: |name| format!("{name} added."),
        add_heading: "Add an office network",
        addresses_hint: "One IPv4 or IPv6 range per line, for example 192.0.2.0/24 or 2001:db8:7::/48; \
                         none wider than /16 (IPv4) or /48 (IPv6).",
        add_button: "Add office network",
        check_heading: "Check an address",
        check_button: "Check",
        check_two_step_off: "Two-step authentication is off: nobody is asked for a code, from anywhere.",
        check_proxy: "This is a trusted proxy's network: no code is skipped from it.",
        check_office_start: "In the office network ",
        check_office_end: ": no code for anyone else.",
        check_still_asked: |names| format!(" Still asked (they hold Security or Permissions): {names}."),
        entry_start: "",
        entry_after_name: "'s trusted IP address ",
        entry_after_network: ": no code for them until ",
        entry_end: ".",
        check_nothing: "Nothing skips the code here: everyone is asked for one.",
        check_from_start: "From ",
        check_from_end: ":",
    },
    events: EventTexts {
        heading: "Security events",
        filter_person: "Filter by person",
        kind: "Kind",
        all: "All",
        kind_label: |kind| kind.replace('_', " "),
        caption: "Security events, newest first",
        when: "When",
        event: "Event",
        by: "By",
        person: "Person",
        ip_address: "IP address",
        detail: "Detail",
        count: |listed, total| format!("{listed} of {total} events, newest first."),
        show_more: "Show more",
        narrow: " Narrow the filter to see older events.",
    },
};

pub static NL: SystemTexts = SystemTexts {
    pager: PagerTexts {
        previous: "Vorige",
        next: "Volgende",
        range: |first, last, total| format!("{first}–{last} van {total}"),
    },
    permissions: PermissionsTexts {
        personnel: "Personeel",
        permissions: "Rechten",
        security: "Beveiliging",
        title: "Rechten",
        lead: "Een wijziging wordt opgeslagen zodra u een vakje aan- of uitvinkt.",
        needs_script: "Rechten wijzigen vraagt JavaScript, en dat staat uit in deze browser.",
        caption: "Rechten per persoon",
        result: "Resultaat",
        for_person: |permission, username| format!("{permission} voor {username}"),
        granted: "Toegekend.",
        removed: "Ingetrokken.",
        saving: "Opslaan…",
    },
    personnel: PersonnelTexts {
        title: "Personeel",
        add_person: "Persoon toevoegen",
        search: "Zoeken",
        search_placeholder: "Naam, gebruikersnaam of e-mail",
        saved: "Opgeslagen.",
        name: "Naam",
        username: "Gebruikersnaam",
        email: "E-mail",
        phone: "Telefoon",
        mobile: "Gsm",
        password: "Wachtwoord",
        active: "Actief",
        yes: "Ja",
        no: "Nee",
        pages: "Pagina's",
        edit: |name| format!("{name} bewerken"),
        keep_password: "Laat leeg om het huidige wachtwoord te behouden.",
        own_details: "Uw eigen e-mailadres, gsm-nummer en wachtwoord wijzigt u in ",
        my_account: "Mijn account",
        own_details_end: ".",
        save: "Opslaan",
        cancel: "Annuleren",
        sign_in_locked: |name| {
            format!(
                "Alleen iemand met alle rechten van {name} kan de aanmeldgegevens van deze persoon \
                 wijzigen."
            )
        },
    },
    security: SecurityTexts {
        title: "Beveiliging",
        two_step: "Tweestapsverificatie",
        two_step_lead: "Als ze ingeschakeld is, meldt iedereen zich aan met het eigen wachtwoord en daarna \
                        met een code die toegestuurd wordt.",
        enabled: "Ingeschakeld",
        disabled: "Uitgeschakeld",
        your_ip: "Uw IP-adres zoals de server het ziet: ",
        unreachable_heading: "Personeelsleden die geen code kunnen ontvangen",
        everyone_reachable: "Iedereen die actief is, kan een code ontvangen: via een gekend e-mailadres of \
                             een authenticator-app.",
        unreachable_now: "Zij kunnen zich nu niet aanmelden. Voeg voor elk van hen een e-mailadres toe in \
                          Personeel.",
        unreachable_later: "Zij zullen zich niet kunnen aanmelden zodra tweestapsverificatie ingeschakeld \
                            is. Voeg voor elk van hen een e-mailadres toe in Personeel, of vraag hen om eerst \
                            een authenticator-app in te stellen in Mijn account.",
        trusted_heading: "Vertrouwde IP-adressen",
        trusted_filter: "Filteren op persoon of adres",
        sort_by: "Sorteren op",
        show: "Tonen",
        trusted_caption: "Vertrouwde IP-adressen van iedereen",
        trusted_pages: "Pagina's met vertrouwde IP-adressen",
        trust_period: "Vertrouwensperiode",
        trust_days: "Vertrouwensperiode (dagen)",
        trust_days_hint: |fewest, most| {
            format!(
                "Van {fewest} tot {most} dagen. Een nieuwe periode geldt ook voor adressen die al \
                 vertrouwd worden."
            )
        },
        trust_saved: "Opgeslagen. Elk vertrouwd IP-adres vervalt nu zoveel dagen nadat het werd toegevoegd.",
        save_trust_period: "Vertrouwensperiode opslaan",
    },
    offices: OfficeTexts {
        heading: "Kantoornetwerken",
        lead: "Vanaf deze bereiken wordt geen code gevraagd aan personeelsleden die noch Beveiliging noch \
               Rechten hebben. Beheerders doorlopen altijd een tweede stap, en iedereen geeft het eigen \
               wachtwoord in.",
        not_removed: |error| format!("Het kantoornetwerk werd niet verwijderd: {error}"),
        name_not_removed: |name, error| format!("{name} werd niet verwijderd: {error}"),
        none: "Geen kantoornetwerken.",
        remove: |name| format!("{name} verwijderen"),
        name: "Naam",
        addresses: "Adressen",
        added: "Toegevoegd",
        by: "Door",
        remove_column: "Verwijderen",
        added_note: |name| format!("{name} toegevoegd."),
        add_heading: "Een kantoornetwerk toevoegen",
        addresses_hint: "Eén IPv4- of IPv6-bereik per regel, bijvoorbeeld 192.0.2.0/24 of 2001:db8:7::/48; \
                         geen enkel breder dan /16 (IPv4) of /48 (IPv6).",
        add_button: "Kantoornetwerk toevoegen",
        check_heading: "Een adres controleren",
        check_button: "Controleren",
        check_two_step_off: "Tweestapsverificatie staat uit: niemand wordt om een code gevraagd, van \
                             waar ook.",
        check_proxy: "Dit is het netwerk van een vertrouwde proxy: van hieruit wordt de code nooit \
                      overgeslagen.",
        check_office_start: "In het kantoornetwerk ",
        check_office_end: ": geen code voor alle anderen.",
        check_still_asked: |names| {
            format!(" Zij krijgen wel een code (zij hebben Beveiliging of Rechten): {names}.")
        },
        entry_start: "Vertrouwd IP-adres van ",
        entry_after_name: " (",
        entry_after_network: "): geen code voor deze persoon tot ",
        entry_end: ".",
        check_nothing: "Niets slaat hier de code over: iedereen moet er een ingeven.",
        check_from_start: "Vanaf ",
        check_from_end: ":",
    },
    events: EventTexts {
        heading: "Beveiligingsgebeurtenissen",
        filter_person: "Filteren op persoon",
        kind: "Soort",
        all: "Alle",
        kind_label: |kind| kind_label(NL_KINDS, kind),
        caption: "Beveiligingsgebeurtenissen, nieuwste eerst",
        when: "Wanneer",
        event: "Gebeurtenis",
        by: "Door",
        person: "Persoon",
        ip_address: "IP-adres",
        detail: "Details",
        count: |listed, total| format!("{listed} van {total} gebeurtenissen, nieuwste eerst."),
        show_more: "Meer tonen",
        narrow: " Verfijn de filter om oudere gebeurtenissen te zien.",
    },
};

pub static FR: SystemTexts = SystemTexts {
    pager: PagerTexts {
        previous: "Précédent",
        next: "Suivant",
        range: |first, last, total| format!("{first}–{last} sur {total}"),
    },
    permissions: PermissionsTexts {
        personnel: "Personnel",
        permissions: "Autorisations",
        security: "Sécurité",
        title: "Autorisations",
        lead: "Une modification est enregistrée dès que vous cochez ou décochez une case.",
        needs_script: "Modifier les autorisations nécessite JavaScript, qui est désactivé dans ce \
                       navigateur.",
        caption: "Autorisations par personne",
        result: "Résultat",
        for_person: |permission, username| format!("{permission} pour {username}"),
        granted: "Accordée.",
        removed: "Retirée.",
        saving: "Enregistrement…",
    },
    personnel: PersonnelTexts {
        title: "Personnel",
        add_person: "Ajouter une personne",
        search: "Rechercher",
        search_placeholder: "Nom, nom d'utilisateur ou e-mail",
        saved: "Enregistré.",
        name: "Nom",
        username: "Nom d'utilisateur",
        email: "E-mail",
        phone: "Téléphone",
        mobile: "GSM",
        password: "Mot de passe",
        active: "Actif",
        yes: "Oui",
        no: "Non",
        pages: "Pages",
        edit: |name| format!("Modifier {name}"),
        keep_password: "Laissez vide pour garder le mot de passe actuel.",
        own_details: "Vous modifiez votre propre adresse e-mail, numéro de GSM et mot de passe dans ",
        my_account: "Mon compte",
        own_details_end: ".",
        save: "Enregistrer",
        cancel: "Annuler",
        sign_in_locked: |name| {
            format!(
                "Seule une personne qui a toutes les autorisations de {name} peut modifier ses données \
                 de connexion."
            )
        },
    },
    security: SecurityTexts {
        title: "Sécurité",
        two_step: "Authentification en deux étapes",
        two_step_lead: "Lorsqu'elle est activée, chacun se connecte avec son mot de passe, puis avec un code \
                        qui lui est envoyé.",
        enabled: "Activée",
        disabled: "Désactivée",
        your_ip: "Votre adresse IP telle que le serveur la voit\u{a0}: ",
        unreachable_heading: "Membres du personnel qui ne peuvent pas recevoir de code",
        everyone_reachable: "Toutes les personnes actives peuvent recevoir un code\u{a0}: une adresse e-mail \
                             enregistrée, ou une application d'authentification.",
        unreachable_now: "Ces personnes ne peuvent pas se connecter maintenant. Ajoutez une adresse e-mail \
                          pour chacune dans Personnel.",
        unreachable_later: "Ces personnes ne pourront plus se connecter une fois l'authentification en deux \
                            étapes activée. Ajoutez une adresse e-mail pour chacune dans Personnel, ou \
                            demandez-leur de configurer d'abord une application d'authentification dans \
                            Mon compte.",
        trusted_heading: "Adresses IP approuvées",
        trusted_filter: "Filtrer par personne ou adresse",
        sort_by: "Trier par",
        show: "Afficher",
        trusted_caption: "Adresses IP approuvées de chaque personne",
        trusted_pages: "Pages des adresses IP approuvées",
        trust_period: "Période de confiance",
        trust_days: "Période de confiance (jours)",
        trust_days_hint: |fewest, most| {
            format!(
                "De {fewest} à {most} jours. Une nouvelle période s'applique aussi aux adresses déjà \
                 approuvées."
            )
        },
        trust_saved: "Enregistrée. Chaque adresse IP approuvée expire désormais ce nombre de jours après son ajout.",
        save_trust_period: "Enregistrer la période",
    },
    offices: OfficeTexts {
        heading: "Réseaux de bureau",
        lead: "Depuis ces plages, aucun code n'est demandé aux membres du personnel qui n'ont ni Sécurité \
               ni Autorisations. Les administrateurs passent toujours une deuxième étape, et chacun tape \
               son mot de passe.",
        not_removed: |error| format!("Le réseau de bureau n'a pas été supprimé\u{a0}: {error}"),
        name_not_removed: |name, error| format!("{name} n'a pas été supprimé\u{a0}: {error}"),
        none: "Aucun réseau de bureau.",
        remove: |name| format!("Supprimer {name}"),
        name: "Nom",
        addresses: "Adresses",
        added: "Ajouté",
        by: "Par",
        remove_column: "Supprimer",
        added_note: |name| format!("{name} ajouté."),
        add_heading: "Ajouter un réseau de bureau",
        addresses_hint: "Une plage IPv4 ou IPv6 par ligne, par exemple 192.0.2.0/24 ou 2001:db8:7::/48, \
                         jamais plus large que /16 (IPv4) ou /48 (IPv6).",
        add_button: "Ajouter le réseau",
        check_heading: "Vérifier une adresse",
        check_button: "Vérifier",
        check_two_step_off: "L'authentification en deux étapes est désactivée\u{a0}: personne ne doit \
                             introduire de code, d'où que ce soit.",
        check_proxy: "C'est le réseau d'un proxy de confiance\u{a0}: le code n'est jamais omis depuis ce \
                      réseau.",
        check_office_start: "Dans le réseau de bureau ",
        check_office_end: "\u{a0}: pas de code pour les autres personnes.",
        check_still_asked: |names| {
            format!(" Code toujours demandé à qui a Sécurité ou Autorisations\u{a0}: {names}.")
        },
        entry_start: "Adresse IP approuvée de ",
        entry_after_name: " (",
        entry_after_network: ")\u{a0}: pas de code pour cette personne jusqu'au ",
        entry_end: ".",
        check_nothing: "Rien ne permet d'omettre le code ici\u{a0}: il est demandé à tout le monde.",
        check_from_start: "Depuis ",
        check_from_end: "\u{a0}:",
    },
    events: EventTexts {
        heading: "Événements de sécurité",
        filter_person: "Filtrer par personne",
        kind: "Type",
        all: "Tous",
        kind_label: |kind| kind_label(FR_KINDS, kind),
        caption: "Événements de sécurité, les plus récents d'abord",
        when: "Quand",
        event: "Événement",
        by: "Par",
        person: "Personne",
        ip_address: "Adresse IP",
        detail: "Détail",
        count: |listed, total| format!("{listed} événements sur {total}, les plus récents d'abord."),
        show_more: "Afficher plus",
        narrow: " Affinez le filtre pour voir les événements plus anciens.",
    },
};

/// A stored event kind in a language's table; a kind the table does not know (none
/// should be missing) is shown as English does.
fn kind_label(table: &[(&str, &str)], kind: &str) -> String {
    table
        .iter()
        .find(|(stored, _)| *stored == kind)
        .map(|(_, label)| label.to_string())
        .unwrap_or_else(|| kind.replace('_', " "))
}

/// The stored kinds of `audit::EventKind`, in Dutch.
const NL_KINDS: &[(&str, &str)] = &[
    ("sign_in_ok", "aanmelding gelukt"),
    ("sign_in_failed", "aanmelding mislukt"),
    ("sign_out", "afmelding"),
    ("person_created", "persoon toegevoegd"),
    ("person_changed", "persoon gewijzigd"),
    ("person_deactivated", "persoon gedeactiveerd"),
    ("password_reset", "wachtwoord opnieuw ingesteld"),
    ("password_changed", "wachtwoord gewijzigd"),
    ("permission_granted", "recht toegekend"),
    ("permission_removed", "recht ingetrokken"),
    ("code_sent", "code verstuurd"),
    ("code_failed", "foute code"),
    ("code_voided", "code ongeldig gemaakt"),
    ("send_failed", "verzending mislukt"),
    ("network_trusted", "IP-adres vertrouwd"),
    ("network_used", "vertrouwd IP-adres gebruikt"),
    ("network_deleted", "vertrouwd IP-adres verwijderd"),
    ("network_expired", "vertrouwd IP-adres verlopen"),
    ("trust_period_changed", "vertrouwensperiode gewijzigd"),
    ("two_step_enabled", "tweestapsverificatie ingeschakeld"),
    ("two_step_disabled", "tweestapsverificatie uitgeschakeld"),
    ("two_step_methods_reset", "methoden voor tweede stap gewist"),
    ("authenticator_added", "authenticator-app toegevoegd"),
    ("authenticator_removed", "authenticator-app verwijderd"),
    ("passkey_added", "toegangssleutel toegevoegd"),
    ("passkey_removed", "toegangssleutel verwijderd"),
    ("passkey_renamed", "toegangssleutel hernoemd"),
    ("recovery_codes_created", "herstelcodes aangemaakt"),
    ("recovery_code_used", "herstelcode gebruikt"),
    ("codes_guessed", "reeks foute codes"),
    ("second_step_locked", "tweede stap geblokkeerd"),
    ("second_step_unlocked", "tweede stap gedeblokkeerd"),
    ("office_network_added", "kantoornetwerk toegevoegd"),
    ("office_network_removed", "kantoornetwerk verwijderd"),
    ("office_network_used", "kantoornetwerk gebruikt"),
];

/// The stored kinds of `audit::EventKind`, in French.
const FR_KINDS: &[(&str, &str)] = &[
    ("sign_in_ok", "connexion réussie"),
    ("sign_in_failed", "connexion échouée"),
    ("sign_out", "déconnexion"),
    ("person_created", "personne ajoutée"),
    ("person_changed", "personne modifiée"),
    ("person_deactivated", "personne désactivée"),
    ("password_reset", "mot de passe réinitialisé"),
    ("password_changed", "mot de passe modifié"),
    ("permission_granted", "autorisation accordée"),
    ("permission_removed", "autorisation retirée"),
    ("code_sent", "code envoyé"),
    ("code_failed", "code erroné"),
    ("code_voided", "code annulé"),
    ("send_failed", "envoi échoué"),
    ("network_trusted", "adresse IP approuvée"),
    ("network_used", "adresse IP approuvée utilisée"),
    ("network_deleted", "adresse IP approuvée supprimée"),
    ("network_expired", "adresse IP approuvée expirée"),
    ("trust_period_changed", "période de confiance modifiée"),
    ("two_step_enabled", "authentification en deux étapes activée"),
    ("two_step_disabled", "authentification en deux étapes désactivée"),
    ("two_step_methods_reset", "méthodes de deuxième étape effacées"),
    ("authenticator_added", "application d'authentification ajoutée"),
    (
        "authenticator_removed",
        "application d'authentification supprimée",
    ),
    ("passkey_added", "clé d'accès ajoutée"),
    ("passkey_removed", "clé d'accès supprimée"),
    ("passkey_renamed", "clé d'accès renommée"),
    ("recovery_codes_created", "codes de récupération créés"),
    ("recovery_code_used", "code de récupération utilisé"),
    ("codes_guessed", "série de codes erronés"),
    ("second_step_locked", "deuxième étape bloquée"),
    ("second_step_unlocked", "deuxième étape débloquée"),
    ("office_network_added", "réseau de bureau ajouté"),
    ("office_network_removed", "réseau de bureau supprimé"),
    ("office_network_used", "réseau de bureau utilisé"),
];

/// What only the server writes about these pages (the reasons a change was refused).
#[cfg(feature = "ssr")]
pub struct SystemServerTexts {
    pub permissions: PermissionsServerTexts,
    pub personnel: PersonnelServerTexts,
    pub security: SecurityServerTexts,
    pub offices: OfficeServerTexts,
}

/// Why a box on System › Permissions was refused.
#[cfg(feature = "ssr")]
pub struct PermissionsServerTexts {
    pub not_active: &'static str,
    pub own_permissions: &'static str,
    /// (who, permission's name): also why Personnel will not make them inactive.
    pub last_holder: fn(&str, &str) -> String,
}

/// Why the Personnel editor refused a field or a save.
#[cfg(feature = "ssr")]
pub struct PersonnelServerTexts {
    pub yourself_inactive: &'static str,
    pub username_taken: &'static str,
    pub needs_password: &'static str,
    pub username_characters: &'static str,
    pub email_invalid: &'static str,
    /// Numbers may be typed in national form (a default region is configured).
    pub phone_invalid: &'static str,
    /// Numbers must be typed in international form.
    pub phone_international: &'static str,
    /// (the field's name)
    pub required: fn(&str) -> String,
    /// (the field's name, most characters)
    pub too_long: fn(&str, usize) -> String,
    /// (the field's name)
    pub control_characters: fn(&str) -> String,
}

/// Why the Security page refused a setting.
#[cfg(feature = "ssr")]
pub struct SecurityServerTexts {
    /// Turning two-step authentication on would lock the one turning it on out.
    pub actor_has_no_channel: &'static str,
    /// (fewest, most days)
    pub trust_days_range: fn(i64, i64) -> String,
}

/// Why an office network was refused, or an address could not be checked. The reasons a
/// range is never an office follow the range ("10.0.0.0/8 is …").
#[cfg(feature = "ssr")]
pub struct OfficeServerTexts {
    pub not_an_address: &'static str,
    pub name_missing: &'static str,
    /// (most characters)
    pub name_too_long: fn(usize) -> String,
    /// (what was typed, shortened)
    pub not_a_range: fn(&str) -> String,
    pub no_client_address: &'static str,
    pub multicast_or_broadcast: &'static str,
    pub multicast: &'static str,
    pub nat64: &'static str,
    pub ipv4_compatible: &'static str,
    pub teredo: &'static str,
    /// (range, widest prefix length)
    pub too_wide: fn(&str, u8) -> String,
    /// (range, proxy's range)
    pub overlaps_proxy: fn(&str, &str) -> String,
    pub no_ranges: &'static str,
    /// (most ranges)
    pub too_many_ranges: fn(usize) -> String,
    /// (most office networks)
    pub too_many_offices: fn(i64) -> String,
    /// (the name)
    pub name_taken: fn(&str) -> String,
}

#[cfg(feature = "ssr")]
pub static EN_SERVER: SystemServerTexts = SystemServerTexts {
    permissions: PermissionsServerTexts {
        not_active: "That person is not active.",
        own_permissions: "You cannot remove your own Permissions permission.",
        last_holder: |who, permission| {
            format!(
                "{who} is the last person with the {permission} permission: give it to someone else \
                 first."
            )
        },
    },
    personnel: PersonnelServerTexts {
        yourself_inactive: "You cannot make yourself inactive.",
        username_taken: "That username is already taken.",
        needs_password: "A new person needs a password.",
        username_characters: "Use letters, digits and . _ - @ only, without spaces.",
        email_invalid: "Enter a valid email address, like name@example.com.",
        phone_invalid: "Enter a valid phone number, like +32 470 12 34 56.",
        phone_international: "Enter the number in international form, starting with +, like \
                              +32 470 12 34 56.",
        required: |field| format!("{field} is required."),
        too_long: |field, most| format!("{field} is too long: at most {most} characters."),
        control_characters: |field| format!("{field} cannot contain control characters."),
    },
    security: SecurityServerTexts {
        actor_has_no_channel: "You have no email address on file and no authenticator app, \
             so you could not sign in with two-step authentication on. Add your email address in \
             Personnel, or set up an authenticator app in My account, first.",
        trust_days_range: |fewest, most| {
            format!("The trust period is a whole number of days from {fewest} to {most}.")
        },
    },
    offices: OfficeServerTexts {
        not_an_address: "Type one IPv4 or IPv6 address, for example 192.0.2.7.",
        name_missing: "Give the office network a name.",
        name_too_long: |most| format!("At most {most} characters."),
        not_a_range: |typed| {
            format!(
                "“{typed}” is not an IP address or range (for example 192.0.2.0/24 or \
                 2001:db8:7::/48)."
            )
        },
        no_client_address: "is no address a client can have",
        multicast_or_broadcast: "is a multicast or broadcast range, not an office",
        multicast: "is a multicast range, not an office",
        nat64: "is a NAT64 prefix (IPv4 addresses written as IPv6): give the IPv4 range instead",
        ipv4_compatible: "is an IPv4-compatible or unspecified IPv6 range: give the IPv4 range instead",
        teredo: "is a Teredo prefix, which carries any IPv4 client",
        too_wide: |range, widest| format!("{range} is wider than /{widest}: give each office's own range."),
        overlaps_proxy: |range, proxy| {
            format!(
                "{range} overlaps the trusted proxy {proxy}: every client behind it would look like \
                 the office."
            )
        },
        no_ranges: "Give at least one address range, one per line.",
        too_many_ranges: |most| format!("At most {most} ranges in one office network."),
        too_many_offices: |most| format!("There are already {most} office networks: remove one first."),
        name_taken: |name| format!("An office network is already named “{name}”."),
    },
};

#[cfg(feature = "ssr")]
pub static NL_SERVER: SystemServerTexts = SystemServerTexts {
    permissions: PermissionsServerTexts {
        not_active: "Die persoon is niet actief.",
        own_permissions: "U kunt uzelf het recht ‘Rechten’ niet ontnemen.",
        last_holder: |who, permission| {
            format!(
                "{who} is de laatste persoon met het recht ‘{permission}’: geef het eerst aan iemand \
                 anders."
            )
        },
    },
    personnel: PersonnelServerTexts {
        yourself_inactive: "U kunt uzelf niet op inactief zetten.",
        username_taken: "Die gebruikersnaam is al in gebruik.",
        needs_password: "Een nieuwe persoon heeft een wachtwoord nodig.",
        username_characters: "Gebruik alleen letters, cijfers en . _ - @, zonder spaties.",
        email_invalid: "Geef een geldig e-mailadres in, zoals naam@example.com.",
        phone_invalid: "Geef een geldig telefoonnummer in, zoals +32 470 12 34 56.",
        phone_international: "Geef het nummer in internationale vorm in, beginnend met +, zoals \
                              +32 470 12 34 56.",
        required: |field| format!("{field} is verplicht."),
        too_long: |field, most| format!("{field} is te lang: hoogstens {most} tekens."),
        control_characters: |field| format!("{field} mag geen stuurtekens bevatten."),
    },
    security: SecurityServerTexts {
        actor_has_no_channel: "Er is geen e-mailadres van u bekend en u hebt geen authenticator-app, \
             dus u zou zich niet kunnen aanmelden met tweestapsverificatie ingeschakeld. Voeg eerst uw \
             e-mailadres toe in Personeel, of stel een authenticator-app in via Mijn account.",
        trust_days_range: |fewest, most| {
            format!("De vertrouwensperiode is een geheel aantal dagen van {fewest} tot {most}.")
        },
    },
    offices: OfficeServerTexts {
        not_an_address: "Typ één IPv4- of IPv6-adres, bijvoorbeeld 192.0.2.7.",
        name_missing: "Geef het kantoornetwerk een naam.",
        name_too_long: |most| format!("Hoogstens {most} tekens."),
        not_a_range: |typed| {
            format!(
                "“{typed}” is geen IP-adres of -bereik (bijvoorbeeld 192.0.2.0/24 of \
                 2001:db8:7::/48)."
            )
        },
        no_client_address: "is geen adres dat een client kan hebben",
        multicast_or_broadcast: "is een multicast- of broadcastbereik, geen kantoor",
        multicast: "is een multicastbereik, geen kantoor",
        nat64: "is een NAT64-prefix (IPv4-adressen geschreven als IPv6): geef in de plaats het IPv4-bereik",
        ipv4_compatible: "is een IPv4-compatibel of niet-gespecificeerd IPv6-bereik: geef in de plaats het \
                          IPv4-bereik",
        teredo: "is een Teredo-prefix, dat elke IPv4-client kan bevatten",
        too_wide: |range, widest| {
            format!("{range} is breder dan /{widest}: geef het eigen bereik van elk kantoor.")
        },
        overlaps_proxy: |range, proxy| {
            format!(
                "{range} overlapt met de vertrouwde proxy {proxy}: elke client erachter zou op het kantoor \
                 lijken."
            )
        },
        no_ranges: "Geef minstens één adresbereik in, één per regel.",
        too_many_ranges: |most| format!("Hoogstens {most} bereiken per kantoornetwerk."),
        too_many_offices: |most| format!("Er zijn al {most} kantoornetwerken: verwijder er eerst een."),
        name_taken: |name| format!("Er is al een kantoornetwerk met de naam “{name}”."),
    },
};

#[cfg(feature = "ssr")]
pub static FR_SERVER: SystemServerTexts = SystemServerTexts {
    permissions: PermissionsServerTexts {
        not_active: "Cette personne n'est pas active.",
        own_permissions: "Vous ne pouvez pas vous retirer l'autorisation «\u{a0}Autorisations\u{a0}».",
        last_holder: |who, permission| {
            format!(
                "{who} est la dernière personne à avoir l'autorisation «\u{a0}{permission}\u{a0}»\u{a0}: \
                 accordez-la d'abord à quelqu'un d'autre."
            )
        },
    },
    personnel: PersonnelServerTexts {
        yourself_inactive: "Vous ne pouvez pas désactiver votre propre compte.",
        username_taken: "Ce nom d'utilisateur est déjà pris.",
        needs_password: "Une nouvelle personne a besoin d'un mot de passe.",
        username_characters: "Utilisez uniquement des lettres, des chiffres et . _ - @, sans espaces.",
        email_invalid: "Introduisez une adresse e-mail valable, comme nom@example.com.",
        phone_invalid: "Introduisez un numéro de téléphone valable, comme +32 470 12 34 56.",
        phone_international: "Introduisez le numéro au format international, en commençant par +, comme \
                              +32 470 12 34 56.",
        required: |field| format!("Le champ «\u{a0}{field}\u{a0}» est obligatoire."),
        too_long: |field, most| {
            format!("Le champ «\u{a0}{field}\u{a0}» est trop long\u{a0}: {most} caractères au maximum.")
        },
        control_characters: |field| {
            format!("Le champ «\u{a0}{field}\u{a0}» ne peut pas contenir de caractères de contrôle.")
        },
    },
    security: SecurityServerTexts {
        actor_has_no_channel: "Vous n'avez ni adresse e-mail enregistrée ni application \
             d'authentification\u{a0}: vous ne pourriez pas vous connecter avec l'authentification en \
             deux étapes activée. Ajoutez d'abord votre adresse e-mail dans Personnel, ou configurez une \
             application d'authentification dans Mon compte.",
        trust_days_range: |fewest, most| {
            format!("La période de confiance est un nombre entier de jours, de {fewest} à {most}.")
        },
    },
    offices: OfficeServerTexts {
        not_an_address: "Tapez une adresse IPv4 ou IPv6, par exemple 192.0.2.7.",
        name_missing: "Donnez un nom au réseau de bureau.",
        name_too_long: |most| format!("{most} caractères au maximum."),
        not_a_range: |typed| {
            format!(
                "«\u{a0}{typed}\u{a0}» n'est pas une adresse ou une plage IP (par exemple 192.0.2.0/24 ou \
                 2001:db8:7::/48)."
            )
        },
        no_client_address: "n'est pas une adresse qu'un client peut avoir",
        multicast_or_broadcast: "est une plage de multidiffusion ou de diffusion, pas un bureau",
        multicast: "est une plage de multidiffusion, pas un bureau",
        nat64: "est un préfixe NAT64 (des adresses IPv4 écrites en IPv6)\u{a0}: donnez plutôt la \
                plage IPv4",
        ipv4_compatible: "est une plage IPv6 compatible IPv4 ou non spécifiée\u{a0}: donnez plutôt la \
                          plage IPv4",
        teredo: "est un préfixe Teredo, qui peut transporter n'importe quel client IPv4",
        too_wide: |range, widest| {
            format!("{range} est plus large que /{widest}\u{a0}: donnez la plage propre à chaque bureau.")
        },
        overlaps_proxy: |range, proxy| {
            format!(
                "{range} chevauche le proxy de confiance {proxy}\u{a0}: tout client derrière lui semblerait \
                 venir du bureau."
            )
        },
        no_ranges: "Donnez au moins une plage d'adresses, une par ligne.",
        too_many_ranges: |most| format!("{most} plages au maximum par réseau de bureau."),
        too_many_offices: |most| {
            format!("Il y a déjà {most} réseaux de bureau\u{a0}: supprimez-en d'abord un.")
        },
        name_taken: |name| format!("Un réseau de bureau s'appelle déjà «\u{a0}{name}\u{a0}»."),
    },
};

/// These pages' server texts in the language of the request being answered.
#[cfg(feature = "ssr")]
pub fn server() -> &'static SystemServerTexts {
    super::request_lang().pick(&EN_SERVER, &NL_SERVER, &FR_SERVER)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_event_kinds_read_as_stored() {
        assert_eq!((EN.events.kind_label)("sign_in_ok"), "sign in ok");
        assert_eq!(
            (NL.events.kind_label)("office_network_used"),
            "kantoornetwerk gebruikt"
        );
        assert_eq!((FR.events.kind_label)("something_new"), "something new");
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn every_event_kind_has_its_dutch_and_french_words() {
        for kind in crate::audit::EventKind::ALL.map(crate::audit::EventKind::as_str) {
            for (table, language) in [(NL_KINDS, "Dutch"), (FR_KINDS, "French")] {
                assert!(
                    table.iter().any(|(stored, _)| *stored == kind),
                    "{kind} in {language}"
                );
            }
        }
    }
}
