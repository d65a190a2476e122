//! A scan as customers see it, and what its event code means to them.

/// What a scan means to the customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Meaning {
    /// Accepted / picked up by USPS.
    PickedUp,
    /// Processed, arrived at or departed a facility.
    Processed,
    /// Out for delivery.
    OutForDelivery,
    /// Delivered (also to an agent, or picked up at the post office).
    Delivered,
    /// Delivery attempted.
    Attempted,
    /// Available for pickup.
    AvailableForPickup,
    /// Forwarded.
    Forwarded,
    /// Returned to sender.
    Returned,
    /// Label created, pre-shipment information: not a scan, not shown.
    NotShown,
    /// A code this table does not know: shown by its event name.
    Other,
}

impl Meaning {
    /// The meaning of an event code.
    pub fn of(code: &str) -> Meaning {
        match code {
            "03" | "OA" | "TM" | "PA" | "80" => Meaning::PickedUp,
            "10" | "07" | "PC" | "EF" | "SF" | "81" | "82" | "14" => Meaning::Processed,
            "OF" => Meaning::OutForDelivery,
            "01" | "17" | "43" => Meaning::Delivered,
            "02" | "30" | "51" | "52" | "53" | "54" | "55" | "56" => Meaning::Attempted,
            "16" => Meaning::AvailableForPickup,
            "06" => Meaning::Forwarded,
            "09" | "04" | "05" | "21" | "22" | "23" | "24" | "25" | "26" | "27" | "28" | "29" | "31" => {
                Meaning::Returned
            }
            "MA" | "GX" => Meaning::NotShown,
            _ => Meaning::Other,
        }
    }

    /// The message id of its customer wording (`None` for [`Meaning::Other`], shown by name).
    pub fn message_id(self) -> Option<&'static str> {
        Some(match self {
            Meaning::PickedUp => "usps-picked-up",
            Meaning::Processed => "usps-processed",
            Meaning::OutForDelivery => "usps-out-for-delivery",
            Meaning::Delivered => "usps-delivered",
            Meaning::Attempted => "usps-attempted",
            Meaning::AvailableForPickup => "usps-available",
            Meaning::Forwarded => "usps-forwarded",
            Meaning::Returned => "usps-returned",
            Meaning::NotShown | Meaning::Other => return None,
        })
    }
}

/// A scan as the status page shows it.
/// Short names in the case's stored report (`case_status::model::Facts`).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, serde::Serialize, serde::Deserialize)]
pub struct Shown {
    /// Tracking number.
    #[serde(rename = "t")]
    pub tracking_number: String,
    /// Event code.
    #[serde(rename = "c")]
    pub event_code: String,
    /// USPS's event name.
    #[serde(rename = "n")]
    pub event_name: String,
    /// Day.
    #[serde(rename = "d")]
    pub event_date: chrono::NaiveDate,
    /// `HHMM`, local to the facility.
    #[serde(rename = "h")]
    pub event_time: String,
    /// Facility ZIP.
    #[serde(rename = "z")]
    pub facility_zip: String,
    /// Facility name.
    #[serde(rename = "f")]
    pub facility_name: String,
}

impl Shown {
    /// The customer's wording, by message id (`None`: show the event name).
    pub fn message_id(&self) -> Option<&'static str> {
        Meaning::of(&self.event_code).message_id()
    }

    /// `HH:MM`.
    pub fn time_display(&self) -> String {
        let (h, m) = self.event_time.split_at(self.event_time.len().min(2));
        format!("{h}:{m}")
    }
}

/// A scan matched to a case, to be stored (the USPS ingest's rows).
#[derive(Debug, Clone, Copy)]
pub struct NewScan<'a> {
    /// The case it belongs to.
    pub case_id: i64,
    /// Tracking number.
    pub tracking_number: &'a str,
    /// Event code.
    pub event_code: &'a str,
    /// USPS's event name.
    pub event_name: &'a str,
    /// Day.
    pub event_date: chrono::NaiveDate,
    /// `HHMM`, local to the facility.
    pub event_time: &'a str,
    /// Facility ZIP.
    pub facility_zip: &'a str,
    /// Facility name.
    pub facility_name: &'a str,
}
