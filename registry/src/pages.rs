//! The public register page `/labels/{id}`: a label's status in plain words, in six
//! languages. One self-contained HTML page: no scripts, no external resources, no cookies,
//! a strict Content-Security-Policy, and no log of which label was looked up.

use crate::clock::today;
use crate::html::{esc, style_hash};
use crate::http::Shared;
use crate::labels::{parse_id, record, Record};
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use std::sync::LazyLock;

pub const LANGUAGES: [&str; 6] = ["en", "de", "fr", "es", "pt", "sw"];

/// The words of the page: [title, valid, expired, struck-off, suspended, renewed, unknown,
/// product, maker, model, grade, assurance, issuer, issued, valid until, struck off on,
/// reason, replaced by, bad id].
type Words = [&'static str; 19];

const EN: Words = [
    "Label register",
    "Valid: this label is registered and in force.",
    "Expired: this label is genuine but past its valid-until date.",
    "Struck off: this label no longer counts.",
    "Suspended: its issuer is suspended and this label is not in its record.",
    "Renewed: a newer label replaces this one.",
    "Unknown: the register has no label with this id.",
    "Product",
    "Maker",
    "Model",
    "Grade",
    "Assurance",
    "Issuer",
    "Issued",
    "Valid until",
    "Struck off on",
    "Reason",
    "Replaced by",
    "This is not a label id (XXXX-XXXX-XXXX-XXXX).",
];
const DE: Words = [
    "Label-Register",
    "Gültig: Dieses Label ist registriert und in Kraft.",
    "Abgelaufen: Das Label ist echt, aber sein Gültigkeitsdatum ist überschritten.",
    "Gestrichen: Dieses Label gilt nicht mehr.",
    "Ausgesetzt: Der Aussteller ist gesperrt und dieses Label ist nicht in seinem Bestand.",
    "Erneuert: Ein neueres Label ersetzt dieses.",
    "Unbekannt: Das Register kennt kein Label mit dieser Kennung.",
    "Produkt",
    "Hersteller",
    "Modell",
    "Stufe",
    "Prüftiefe",
    "Aussteller",
    "Ausgestellt",
    "Gültig bis",
    "Gestrichen am",
    "Grund",
    "Ersetzt durch",
    "Das ist keine Label-Kennung (XXXX-XXXX-XXXX-XXXX).",
];
const FR: Words = [
    "Registre des labels",
    "Valide : ce label est enregistré et en vigueur.",
    "Expiré : ce label est authentique mais sa date de validité est passée.",
    "Radié : ce label ne compte plus.",
    "Suspendu : son émetteur est suspendu et ce label ne figure pas dans son registre.",
    "Renouvelé : un label plus récent remplace celui-ci.",
    "Inconnu : le registre n’a aucun label avec cet identifiant.",
    "Produit",
    "Fabricant",
    "Modèle",
    "Niveau",
    "Assurance",
    "Émetteur",
    "Émis le",
    "Valide jusqu’au",
    "Radié le",
    "Motif",
    "Remplacé par",
    "Ce n’est pas un identifiant de label (XXXX-XXXX-XXXX-XXXX).",
];
const ES: Words = [
    "Registro de etiquetas",
    "Válida: esta etiqueta está registrada y en vigor.",
    "Caducada: la etiqueta es auténtica pero su fecha de validez ha pasado.",
    "Retirada: esta etiqueta ya no cuenta.",
    "Suspendida: su emisor está suspendido y esta etiqueta no consta en su registro.",
    "Renovada: una etiqueta más reciente sustituye a esta.",
    "Desconocida: el registro no tiene ninguna etiqueta con este identificador.",
    "Producto",
    "Fabricante",
    "Modelo",
    "Nivel",
    "Garantía",
    "Emisor",
    "Emitida",
    "Válida hasta",
    "Retirada el",
    "Motivo",
    "Sustituida por",
    "Esto no es un identificador de etiqueta (XXXX-XXXX-XXXX-XXXX).",
];
const PT: Words = [
    "Registo de etiquetas",
    "Válida: esta etiqueta está registada e em vigor.",
    "Expirada: a etiqueta é autêntica mas a data de validade passou.",
    "Cancelada: esta etiqueta já não conta.",
    "Suspensa: o emissor está suspenso e esta etiqueta não consta do seu registo.",
    "Renovada: uma etiqueta mais recente substitui esta.",
    "Desconhecida: o registo não tem nenhuma etiqueta com este identificador.",
    "Produto",
    "Fabricante",
    "Modelo",
    "Nível",
    "Garantia",
    "Emissor",
    "Emitida",
    "Válida até",
    "Cancelada em",
    "Motivo",
    "Substituída por",
    "Isto não é um identificador de etiqueta (XXXX-XXXX-XXXX-XXXX).",
];
const SW: Words = [
    "Rejista ya lebo",
    "Halali: lebo hii imesajiliwa na inatumika.",
    "Imeisha muda: lebo ni halisi lakini tarehe yake ya mwisho imepita.",
    "Imefutwa: lebo hii haihesabiki tena.",
    "Imesimamishwa: mtoaji wake amesimamishwa na lebo hii haimo kwenye kumbukumbu zake.",
    "Imesasishwa: lebo mpya inachukua nafasi ya hii.",
    "Haijulikani: rejista haina lebo yenye kitambulisho hiki.",
    "Bidhaa",
    "Mtengenezaji",
    "Modeli",
    "Daraja",
    "Uhakikisho",
    "Mtoaji",
    "Imetolewa",
    "Halali hadi",
    "Imefutwa tarehe",
    "Sababu",
    "Imebadilishwa na",
    "Hiki si kitambulisho cha lebo (XXXX-XXXX-XXXX-XXXX).",
];

fn words(lang: &str) -> &'static Words {
    match lang {
        "de" => &DE,
        "fr" => &FR,
        "es" => &ES,
        "pt" => &PT,
        "sw" => &SW,
        _ => &EN,
    }
}

/// `?lang=` first, then the first supported language of `Accept-Language`, then English.
pub fn language(query: Option<&str>, headers: &HeaderMap) -> &'static str {
    let pick = |tag: &str| LANGUAGES.into_iter().find(|l| tag.trim().to_ascii_lowercase().starts_with(l));
    if let Some(l) = query.and_then(pick) {
        return l;
    }
    let accept = headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).unwrap_or("");
    accept.split(',').filter_map(|part| pick(part.split(';').next().unwrap_or(""))).next().unwrap_or("en")
}

const STYLE: &str = "body{font:1.1rem/1.5 system-ui,sans-serif;max-width:40rem;margin:1rem auto;padding:0 1rem;color:#111;background:#fff}\
h1{font-size:1.4rem}.status{font-size:1.25rem;font-weight:600;padding:.75rem;border:3px solid}\
.valid{border-color:#176b2c}.bad{border-color:#a4161a}dt{font-weight:600}dd{margin:0 0 .5rem 0}nav a{margin-right:.75rem}";

/// The one Content-Security-Policy: nothing may load, only the page's own style runs.
static CSP: LazyLock<String> = LazyLock::new(|| {
    format!("default-src 'none'; style-src {}; base-uri 'none'; form-action 'none'; frame-ancestors 'none'", style_hash(STYLE))
});

fn status_line(w: &Words, status: &str) -> &'static str {
    match status {
        "valid" => w[1],
        "expired" => w[2],
        "struck-off" => w[3],
        "suspended" => w[4],
        "renewed" => w[5],
        _ => w[6],
    }
}

fn details(w: &Words, r: &Record) -> String {
    let mut rows = vec![(w[7], r.product.clone()), (w[8], r.maker.clone()), (w[9], r.model.clone()), (w[10], r.grade.clone())];
    rows.extend([
        (w[11], r.assurance.clone()),
        (w[12], r.issuer.clone()),
        (w[13], r.issued.to_string()),
        (w[14], r.valid_until.to_string()),
    ]);
    if let Some(on) = r.struck_off_on {
        rows.push((w[15], on.to_string()));
        rows.push((w[16], r.public_reason.clone().unwrap_or_default()));
    }
    if let Some(by) = &r.replaced_by {
        rows.push((w[17], by.clone()));
    }
    rows.iter().map(|(k, v)| format!("<dt>{}</dt><dd>{}</dd>", esc(k), esc(v))).collect()
}

fn page(lang: &str, id: &str, body: &str) -> String {
    let w = words(lang);
    let nav: String = LANGUAGES.iter().map(|l| format!("<a href=\"?lang={l}\" hreflang=\"{l}\" lang=\"{l}\">{l}</a>")).collect();
    format!(
        "<!doctype html><html lang=\"{lang}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <meta name=\"referrer\" content=\"no-referrer\"><title>{} {}</title><style>{STYLE}</style></head>\
         <body><nav aria-label=\"language\">{nav}</nav><main><h1>{}: {}</h1>{body}</main></body></html>",
        esc(w[0]),
        esc(id),
        esc(w[0]),
        esc(id)
    )
}

#[derive(Deserialize)]
pub struct Lang {
    lang: Option<String>,
}

pub async fn label_page(State(app): State<Shared>, Path(id): Path<String>, Query(q): Query<Lang>, headers: HeaderMap) -> Response {
    let lang = language(q.lang.as_deref(), &headers);
    let w = words(lang);
    let (status, body) = match parse_id(&id) {
        Err(_) => (StatusCode::BAD_REQUEST, page(lang, "", &format!("<p class=\"status bad\" role=\"status\">{}</p>", esc(w[18])))),
        Ok(label) => {
            let found = match app.store.pool.acquire().await {
                Ok(mut conn) => record(&mut conn, label).await,
                Err(e) => Err(e),
            };
            match found {
                Err(e) => {
                    eprintln!("iotmark-registry: database: {e}");
                    (
                        StatusCode::SERVICE_UNAVAILABLE,
                        page(lang, &label.to_string(), "<p>The register is not available. Try again later.</p>"),
                    )
                }
                Ok(None) => (
                    StatusCode::NOT_FOUND,
                    page(lang, &label.to_string(), &format!("<p class=\"status bad\" role=\"status\">{}</p>", esc(w[6]))),
                ),
                Ok(Some(r)) => {
                    let status = r.status(today());
                    let class = if status == "valid" { "valid" } else { "bad" };
                    let body = format!(
                        "<p class=\"status {class}\" role=\"status\">{}</p><dl>{}</dl>",
                        esc(status_line(w, status)),
                        details(w, &r)
                    );
                    (StatusCode::OK, page(lang, &r.id, &body))
                }
            }
        }
    };
    let mut resp = (status, [(header::CONTENT_TYPE, "text/html; charset=utf-8")], body).into_response();
    let h = resp.headers_mut();
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_str(&CSP).unwrap_or(HeaderValue::from_static("default-src 'none'")));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=60"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::VARY, HeaderValue::from_static("Accept-Language"));
    resp
}
