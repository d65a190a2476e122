# Diseño de página
site-name-same = CRIS
site-title = Servicio de Ciudadanía e Inmigración de Estados Unidos
skip-link = Saltar al contenido principal
banner-label = Sitio web oficial del Gobierno de Estados Unidos
banner-official = Un sitio oficial del Gobierno de Estados Unidos
banner-how = Así es como usted puede verificarlo
banner-gov-title = Los sitios web oficiales usan .gov
banner-gov-body = Un sitio web .gov pertenece a una organización oficial del Gobierno de Estados Unidos.
banner-https-title = Los sitios web seguros .gov usan HTTPS
banner-https-body = Un candado o https:// significa que usted se conectó de forma segura a un sitio web .gov. Comparta información sensible solo en sitios web oficiales y seguros.
nav-label = Navegación principal
nav-menu = Menú
nav-close = Cerrar
nav-home = Inicio
nav-developers = Para desarrolladores
lang-switch = English
footer-top = Volver al principio
footer-nav-label = Navegación del pie de página
footer-privacy = Privacidad
footer-accessibility = Accesibilidad
footer-about = CRIS responde preguntas sobre casos de inmigración, citas y servicios, en inglés y en español.

# Inicio
home-title = Inicio
home-heading = Servicio al cliente para casos de inmigración
home-intro = Consulte el estado de su caso, vea los tiempos de procesamiento, haga una cita en una oficina local o envíenos una consulta sobre su caso.
home-services = Servicios en línea
home-open = Abrir
home-phone-heading = Por teléfono
home-phone-body = Llame al Centro de Contacto de USCIS al 800-375-5283 (TTY 800-767-1833). Le atendemos en inglés y en español.
service-api-title = Interfaces para desarrolladores
service-api-body = Interfaces de máquina para el estado de casos y otros servicios, descritas en OpenAPI.

# Errores
error-not-found-title = No encontramos la página
error-not-found-body = No encontramos la página que pidió. Revise la dirección o vuelva a empezar desde la página de inicio.
error-bad-request-title = No pudimos entender la solicitud
error-bad-request-body = Parte de la información enviada no es válida. Regrese, revise lo que escribió e inténtelo de nuevo.
error-unavailable-title = El servicio está ocupado
error-unavailable-body = No pudimos responder a tiempo. Por favor, inténtelo de nuevo en unos minutos.
error-internal-title = Algo salió mal
error-internal-body = No pudimos completar su solicitud. No se perdió ni se guardó a medias nada de lo que escribió. Por favor, inténtelo de nuevo.
error-home = Ir a la página de inicio
error-reference = Referencia para soporte técnico: { $id }

# Descripción de la API
api-title = Interfaces para desarrolladores
api-intro = CRIS atiende tanto a personas como a sistemas. Cada interfaz está descrita en un documento OpenAPI generado a partir del código.
api-download = Descargar el documento OpenAPI
api-version = versión
api-operations = Operaciones
api-method = Método
api-path = Ruta
api-summary = Qué hace
api-group = Grupo

# Privacidad y accesibilidad
privacy-title = Privacidad
privacy-p1 = Solo recopilamos la información que un servicio necesita, solo cuando usted lo usa, y la usamos únicamente para ese servicio.
privacy-p2 = Antes de que un formulario le pida información personal, le mostramos una declaración de la Ley de Privacidad que explica por qué se pide la información, cómo se usará y qué pasa si no la proporciona.
privacy-p3 = La información personal se elimina según los plazos que la agencia ha publicado. Por ejemplo, los datos de una cita se eliminan 60 días después de la cita.
privacy-p4 = El personal solo ve lo que su función requiere, y cada vez que consulta o cambia información personal, queda registrado.
accessibility-title = Accesibilidad
accessibility-p1 = Estas páginas están diseñadas para cumplir las Pautas de Accesibilidad para el Contenido Web (WCAG) 2.1, nivel AA, y se prueban con un verificador automático de accesibilidad en un navegador real.
accessibility-p2 = Todas las páginas funcionan con teclado y con lector de pantalla, en inglés y en español, en teléfonos, computadoras y quioscos de las oficinas.
accessibility-p3 = Si algo no le funciona, llame al 800-375-5283 (TTY 800-767-1833) y díganos qué estaba tratando de hacer.

# Estado de caso
cs-title = Estado de caso en línea
cs-intro = Escriba el número de recibo de su aviso para ver en qué etapa está su caso. No necesita una cuenta.
cs-receipt-label = Número de recibo
cs-receipt-hint = 13 caracteres: 3 letras y 10 dígitos, por ejemplo EAC9999103403. Puede omitir los guiones.
cs-check = Ver estado
cs-error-format = El número de recibo tiene 3 letras seguidas de 10 dígitos, como EAC9999103403. Revise el número en su aviso e inténtelo de nuevo.
cs-error-unknown = El sistema de Estado de Caso en Línea no reconoce el número de recibo que escribió. Verifique que coincida con su aviso e inténtelo de nuevo.
cs-about = Sobre este caso
cs-receipt = Número de recibo
cs-form = Formulario
cs-received = Recibido
cs-office = Oficina
cs-processing = Tiempo de procesamiento en esta oficina
cs-processing-note = Los casos recibidos antes del { $date } están fuera del tiempo normal de procesamiento.
cs-mail = Enviado por correo
cs-mail-card = Tarjeta
cs-mail-document = Documento
cs-history = Historial del caso
service-status-title = Consulte el estado de su caso
service-status-body = Vea en qué etapa está su caso, su historial y el rastreo del correo, con el número de recibo de su aviso.

# Rastreo de USPS
usps-caption = Rastreo del Servicio Postal (USPS)
usps-when = Fecha y hora
usps-event = Evento
usps-where = Lugar
usps-number = Número de rastreo
usps-picked-up = Recogido por el Servicio Postal
usps-processed = Procesado en una instalación del Servicio Postal
usps-out-for-delivery = En camino para la entrega
usps-delivered = Entregado al destinatario
usps-attempted = Se intentó la entrega
usps-available = Disponible para recoger
usps-forwarded = Reenviado
usps-returned = Devuelto al remitente
