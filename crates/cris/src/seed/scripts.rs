//! Demo call-centre scripts (R-GW-01): a few answers a topic written out in English and Spanish,
//! and two a common form (how to file it, its processing time) made from the form catalogue's
//! titles, all approved, so the script pages are useful from the first start.

use chrono::{DateTime, Utc};

use crate::kernel::db::Db;
use crate::kernel::error::ServiceError;
use crate::reference::Catalog;
use crate::script_gateway::model::{Draft, Topic};

/// The demo's author and approver (both demo headquarters accounts: four eyes).
const AUTHOR: &str = "hq.staff";
const APPROVER: &str = "hq.reviewer";

/// (topic, form, English title, English text, Spanish title, Spanish text).
type Written = (Topic, Option<&'static str>, &'static str, &'static str, &'static str, &'static str);

const WRITTEN: &[Written] = &[
    (
        Topic::CaseStatus,
        None,
        "Checking the status of a case",
        "You can check your case status online at any time with the 13-character receipt number printed on your receipt notice, for example EAC9999103403. Enter it without dashes.\n\nIf you create an account, you can follow up to 100 cases and get an email or a text message each time a status changes.",
        "Cómo consultar el estado de un caso",
        "Puede consultar el estado de su caso en línea en cualquier momento con el número de recibo de 13 caracteres que aparece en su aviso de recibo, por ejemplo EAC9999103403. Escríbalo sin guiones.\n\nSi crea una cuenta, puede seguir hasta 100 casos y recibir un correo electrónico o un mensaje de texto cada vez que cambie un estado.",
    ),
    (
        Topic::CaseStatus,
        None,
        "Case outside normal processing time",
        "Compare the date on your receipt notice with the processing time posted for your form and office. If your case is outside the posted time, you can submit a service request online, or I can submit one for you now.\n\nWe intend to respond within 30 days.",
        "Caso fuera del tiempo normal de procesamiento",
        "Compare la fecha de su aviso de recibo con el tiempo de procesamiento publicado para su formulario y oficina. Si su caso está fuera del tiempo publicado, puede presentar una solicitud de servicio en línea, o yo puedo presentarla por usted ahora.\n\nTenemos la intención de responderle dentro de 30 días.",
    ),
    (
        Topic::ChangeOfAddress,
        None,
        "Reporting a change of address",
        "Most non-citizens in the United States must report a change of address within 10 days of moving, with Form AR-11. You can report it online; list the receipt numbers of your pending cases so that they move with you.\n\nChanging your address with the Postal Service does not change it with USCIS.",
        "Cómo informar un cambio de dirección",
        "La mayoría de los no ciudadanos en los Estados Unidos deben informar un cambio de dirección dentro de los 10 días de mudarse, con el Formulario AR-11. Puede hacerlo en línea; incluya los números de recibo de sus casos pendientes para que se actualicen también.\n\nCambiar su dirección con el Servicio Postal no la cambia con USCIS.",
    ),
    (
        Topic::ChangeOfAddress,
        None,
        "Mail returned to USCIS",
        "When the Postal Service cannot deliver a notice or a card, it returns it to us. First update your address with Form AR-11. Then I can submit a service request so that the office holding your case sends it again.",
        "Correspondencia devuelta a USCIS",
        "Cuando el Servicio Postal no puede entregar un aviso o una tarjeta, nos lo devuelve. Primero actualice su dirección con el Formulario AR-11. Después puedo presentar una solicitud de servicio para que la oficina que tiene su caso lo envíe de nuevo.",
    ),
    (
        Topic::Appointments,
        None,
        "Making an InfoPass appointment",
        "You can make an appointment at your local field office online, without an account. Have your full name, date of birth, ZIP code and telephone number ready. You can hold one appointment at a time.\n\nWrite down the confirmation number and the five-digit PIN on your notice: you need both to cancel.",
        "Cómo hacer una cita de InfoPass",
        "Puede hacer una cita en su oficina local en línea, sin una cuenta. Tenga a mano su nombre completo, fecha de nacimiento, código postal y número de teléfono. Puede tener una sola cita a la vez.\n\nAnote el número de confirmación y el PIN de cinco dígitos de su aviso: necesita ambos para cancelar.",
    ),
    (
        Topic::Appointments,
        None,
        "Rescheduling an interview",
        "If you cannot attend your interview, ask to reschedule before the appointment date by following the instructions on your interview notice. Missing an interview without rescheduling may lead to your case being denied.",
        "Cómo cambiar la fecha de una entrevista",
        "Si no puede asistir a su entrevista, pida un cambio de fecha antes de la cita siguiendo las instrucciones de su aviso de entrevista. Si falta a una entrevista sin cambiar la fecha, su caso podría ser denegado.",
    ),
    (
        Topic::Biometrics,
        None,
        "What happens at a biometrics appointment",
        "At the Application Support Center we take your fingerprints, photograph and signature. Bring your appointment notice and a valid photo identification such as a passport or a driver's license. The visit usually takes less than an hour.",
        "Qué ocurre en una cita de datos biométricos",
        "En el Centro de Asistencia para Solicitudes tomamos sus huellas dactilares, su fotografía y su firma. Traiga su aviso de cita y una identificación válida con foto, como un pasaporte o una licencia de conducir. La visita suele durar menos de una hora.",
    ),
    (
        Topic::Biometrics,
        None,
        "Biometrics appointment notice not received",
        "Biometrics notices are usually mailed a few weeks after the receipt notice. If more time has passed, first make sure your address is up to date; then I can submit a service request for a notice not received.",
        "No recibió el aviso de cita biométrica",
        "Los avisos de cita biométrica suelen enviarse por correo pocas semanas después del aviso de recibo. Si ha pasado más tiempo, primero asegúrese de que su dirección esté actualizada; después puedo presentar una solicitud de servicio por un aviso no recibido.",
    ),
    (
        Topic::Fees,
        None,
        "Paying filing fees",
        "Fees differ by form and change from time to time: always check the current fee on the form's page or with the fee calculator before filing. You can pay by check, money order, or card with Form G-1450. Fees are generally not refunded, whatever the decision.",
        "Cómo pagar las tarifas de presentación",
        "Las tarifas varían según el formulario y cambian de vez en cuando: verifique siempre la tarifa vigente en la página del formulario o con la calculadora de tarifas antes de presentar. Puede pagar con cheque, giro postal o tarjeta con el Formulario G-1450. Por lo general las tarifas no se reembolsan, cualquiera que sea la decisión.",
    ),
    (
        Topic::Fees,
        None,
        "Asking for a fee waiver",
        "Some forms allow a fee waiver when you cannot pay, for example because you receive a means-tested benefit or your household income is low. Ask with Form I-912 and send the evidence with your application.",
        "Cómo pedir una exención de tarifa",
        "Algunos formularios permiten una exención de tarifa cuando usted no puede pagar, por ejemplo porque recibe un beneficio basado en sus ingresos o los ingresos de su hogar son bajos. Pídala con el Formulario I-912 y envíe las pruebas con su solicitud.",
    ),
    (
        Topic::Forms,
        None,
        "Getting forms and their instructions",
        "Every USCIS form is free to download from our website, with its instructions. Use the current edition: the edition date is at the bottom of each page, and we reject filings on editions no longer accepted.",
        "Cómo obtener formularios y sus instrucciones",
        "Todos los formularios de USCIS se pueden descargar gratis de nuestro sitio web, con sus instrucciones. Use la edición vigente: la fecha de edición aparece al pie de cada página, y rechazamos solicitudes presentadas en ediciones que ya no se aceptan.",
    ),
    (
        Topic::Laws,
        None,
        "Carrying proof of status",
        "The law requires every non-citizen 18 years or older to carry the registration document or card issued to them, such as a Permanent Resident Card or an arrival-departure record.\n\nI cannot give legal advice; for your own situation, speak with an attorney or an accredited representative.",
        "Llevar prueba de su estatus",
        "La ley exige que todo no ciudadano de 18 años o más lleve consigo el documento o la tarjeta de registro que se le emitió, como la Tarjeta de Residente Permanente o un registro de llegada y salida.\n\nNo puedo darle asesoría legal; para su situación personal, hable con un abogado o un representante acreditado.",
    ),
    (
        Topic::Laws,
        None,
        "Avoiding immigration scams",
        "Only attorneys and accredited representatives may give immigration legal advice; notarios and consultants may not. USCIS never asks for payment by telephone, gift card or wire transfer.",
        "Cómo evitar estafas de inmigración",
        "Solo los abogados y los representantes acreditados pueden dar asesoría legal de inmigración; los notarios y consultores no pueden. USCIS nunca pide pagos por teléfono, con tarjetas de regalo ni por transferencia.",
    ),
    (
        Topic::ServiceRequests,
        None,
        "Typographical error on a notice or card",
        "If a notice or a card shows your name, date of birth, country of birth or A-Number wrongly because of our error, I can submit a service request now. Keep the document: the office will tell you whether to send it back.",
        "Error tipográfico en un aviso o una tarjeta",
        "Si un aviso o una tarjeta muestra mal su nombre, fecha de nacimiento, país de nacimiento o número A por un error nuestro, puedo presentar una solicitud de servicio ahora. Guarde el documento: la oficina le dirá si debe devolverlo.",
    ),
    (
        Topic::ServiceRequests,
        None,
        "Card not received",
        "If your case shows that your card was mailed more than 30 days ago and you have not received it, I can submit a service request for a card not received. If it was returned to us, update your address first.",
        "Tarjeta no recibida",
        "Si su caso indica que su tarjeta se envió por correo hace más de 30 días y no la ha recibido, puedo presentar una solicitud de servicio por tarjeta no recibida. Si nos fue devuelta, primero actualice su dirección.",
    ),
    (
        Topic::Travel,
        Some("I-131"),
        "Travelling while an application is pending",
        "If you have a pending application to adjust status, leaving the United States without advance parole may be treated as abandoning it. Apply for advance parole with Form I-131 before you travel.",
        "Viajar mientras una solicitud está pendiente",
        "Si tiene pendiente una solicitud de ajuste de estatus, salir de los Estados Unidos sin permiso de viaje adelantado puede considerarse un abandono de la solicitud. Solicite el permiso de viaje adelantado con el Formulario I-131 antes de viajar.",
    ),
    (
        Topic::Citizenship,
        Some("N-400"),
        "Eligibility for naturalization",
        "Most permanent residents may apply after 5 years of permanent residence, or after 3 years if married to and living with a U.S. citizen. At the interview you take an English test and a civics test. Apply with Form N-400.",
        "Requisitos para la naturalización",
        "La mayoría de los residentes permanentes pueden solicitarla después de 5 años de residencia permanente, o de 3 años si están casados y viven con un ciudadano estadounidense. En la entrevista tomará un examen de inglés y uno de educación cívica. Presente el Formulario N-400.",
    ),
];

/// The forms callers ask about most, each given a filing script and a processing-time script.
const COMMON_FORMS: &[&str] =
    &["I-90", "I-130", "I-131", "I-485", "I-539", "I-751", "I-765", "I-821D", "N-400", "N-565"];

/// The demo scripts: the written ones, then two a common form known to the catalogue.
pub fn demo_drafts(catalog: &Catalog) -> Vec<Draft> {
    let mut drafts: Vec<Draft> = WRITTEN
        .iter()
        .map(|(topic, form, title_en, body_en, title_es, body_es)| Draft {
            topic: *topic,
            form_code: form.map(str::to_owned),
            title_en: (*title_en).to_owned(),
            body_en: (*body_en).to_owned(),
            title_es: (*title_es).to_owned(),
            body_es: (*body_es).to_owned(),
            note: String::new(),
        })
        .collect();
    for form in COMMON_FORMS.iter().filter_map(|code| catalog.form(code)) {
        let code = &form.code;
        drafts.push(Draft {
            topic: Topic::Forms,
            form_code: Some(code.clone()),
            title_en: format!("Filing Form {code}"),
            body_en: format!(
                "Form {code}, {}, is filed with the fee and the evidence its instructions list. Sign the form: we reject unsigned forms.\n\nOnce we accept it, we mail a receipt notice with a 13-character receipt number; keep it to follow the case.",
                form.title_en
            ),
            title_es: format!("Cómo presentar el Formulario {code}"),
            body_es: format!(
                "El Formulario {code}, {}, se presenta con la tarifa y las pruebas que indican sus instrucciones. Firme el formulario: rechazamos los formularios sin firma.\n\nCuando lo aceptamos, enviamos por correo un aviso de recibo con un número de recibo de 13 caracteres; guárdelo para seguir el caso.",
                form.title_es
            ),
            note: String::new(),
        });
        drafts.push(Draft {
            topic: Topic::CaseStatus,
            form_code: Some(code.clone()),
            title_en: format!("Processing time for Form {code}"),
            body_en: format!(
                "Processing times for Form {code} are posted by office and updated regularly. Look up the office named on your receipt notice. If your case has been pending longer than the posted time, I can submit a service request."
            ),
            title_es: format!("Tiempo de procesamiento del Formulario {code}"),
            body_es: format!(
                "Los tiempos de procesamiento del Formulario {code} se publican por oficina y se actualizan con regularidad. Busque la oficina que aparece en su aviso de recibo. Si su caso lleva pendiente más tiempo que el publicado, puedo presentar una solicitud de servicio."
            ),
            note: String::new(),
        });
    }
    drafts
}

/// Writes the demo scripts, approved, into a database that has no script yet; returns how many.
pub async fn load(db: &Db, catalog: &Catalog, now: DateTime<Utc>) -> Result<usize, ServiceError> {
    if crate::script_gateway::store::count(db).await? > 0 {
        return Ok(0);
    }
    let drafts = demo_drafts(catalog);
    Ok(crate::script_gateway::service::import_approved(db, &drafts, (AUTHOR, APPROVER), now).await?.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    // R-GW-01: the demo scripts are 20 to 40, every topic has one, and each would pass the
    // draft form's checks.
    #[test]
    fn demo_scripts_are_complete_and_valid() {
        let catalog = Catalog::load().unwrap();
        let drafts = demo_drafts(&catalog);
        assert!((20..=40).contains(&drafts.len()), "{}", drafts.len());
        for t in Topic::ALL {
            assert!(drafts.iter().any(|d| d.topic == t), "{t:?}");
        }
        for d in &drafts {
            let typed = d.typed();
            assert_eq!(typed.parse(&catalog).as_ref(), Ok(d), "{}", d.title_en);
        }
    }
}
