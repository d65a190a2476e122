# Layout
site-name-same = CRIS
site-title = U.S. Citizenship and Immigration Services
skip-link = Skip to main content
banner-label = Official website of the United States government
banner-official = An official website of the United States government
banner-how = Here’s how you know
banner-gov-title = Official websites use .gov
banner-gov-body = A .gov website belongs to an official government organization in the United States.
banner-https-title = Secure .gov websites use HTTPS
banner-https-body = A lock or https:// means you’ve safely connected to the .gov website. Share sensitive information only on official, secure websites.
nav-label = Primary navigation
nav-menu = Menu
nav-close = Close
nav-home = Home
nav-developers = For developers
lang-switch = Español
footer-top = Return to top
footer-nav-label = Footer navigation
footer-privacy = Privacy
footer-accessibility = Accessibility
footer-about = CRIS answers questions about immigration cases, appointments and services, in English and Spanish.

# Home
home-title = Home
home-heading = Customer service for immigration cases
home-intro = Check where your case stands, see processing times, book an appointment at a field office or ask us about your case.
home-services = Online services
home-open = Open
home-phone-heading = By phone
home-phone-body = Call the USCIS Contact Center at 800-375-5283 (TTY 800-767-1833). Help is available in English and Spanish.
service-api-title = Developer interfaces
service-api-body = Machine interfaces for case status and other services, described in OpenAPI.

# Errors
error-not-found-title = Page not found
error-not-found-body = We cannot find the page you asked for. Check the address, or start again from the home page.
error-bad-request-title = We could not understand that request
error-bad-request-body = Some of the information sent was not valid. Go back, check what you entered and try again.
error-unavailable-title = The service is busy
error-unavailable-body = We could not answer in time. Please try again in a few minutes.
error-internal-title = Something went wrong
error-internal-body = We could not complete your request. Nothing you entered has been lost or half saved. Please try again.
error-home = Go to the home page
error-reference = Reference for support: { $id }

# API description
api-title = Developer interfaces
api-intro = CRIS answers machines as well as people. Every interface is described in an OpenAPI document generated from the code.
api-download = Download the OpenAPI document
api-version = version
api-operations = Operations
api-method = Method
api-path = Path
api-summary = What it does
api-group = Group

# Privacy and accessibility
privacy-title = Privacy
privacy-p1 = We collect only the information a service needs, only when you use it, and we use it only for that service.
privacy-p2 = Before any form asks for personal information, it shows a Privacy Act statement that says why the information is requested, how it will be used and what happens if you do not give it.
privacy-p3 = Personal information is deleted on the schedules the agency has published. For example, appointment details are deleted 60 days after the appointment.
privacy-p4 = Staff see only what their role needs, and every time staff look at or change personal information, it is recorded.
accessibility-title = Accessibility
accessibility-p1 = These pages are built to meet the Web Content Accessibility Guidelines (WCAG) 2.1, level AA, and are tested with an automated accessibility checker in a real browser.
accessibility-p2 = Every page works with a keyboard and a screen reader, in English and in Spanish, on phones, computers and office kiosks.
accessibility-p3 = If something does not work for you, call 800-375-5283 (TTY 800-767-1833) and tell us what you were trying to do.

# Case status
cs-title = Case status online
cs-intro = Enter the receipt number from your notice to see where your case stands. You do not need an account.
cs-receipt-label = Receipt number
cs-receipt-hint = 13 characters: 3 letters and 10 digits, for example EAC9999103403. You can leave out dashes.
cs-check = Check status
cs-error-format = A receipt number is 3 letters followed by 10 digits, such as EAC9999103403. Check the number on your notice and try again.
cs-error-unknown = Case Status Online does not recognize the receipt number entered. Check that it matches your notice and try again.
cs-about = About this case
cs-receipt = Receipt number
cs-form = Form
cs-received = Received
cs-office = Office
cs-processing = Processing time at this office
cs-processing-note = Cases received before { $date } are outside normal processing time.
cs-mail = Mailed to you
cs-mail-card = Card
cs-mail-document = Document
cs-history = Case history
service-status-title = Check your case status
service-status-body = See where your case stands, its history and mail tracking, with the receipt number from your notice.

# USPS tracking
usps-caption = USPS tracking
usps-when = Date and time
usps-event = Event
usps-where = Location
usps-number = Tracking number
usps-picked-up = Picked up by USPS
usps-processed = Processed at a USPS facility
usps-out-for-delivery = Out for delivery
usps-delivered = Delivered to addressee
usps-attempted = Delivery attempted
usps-available = Available for pickup
usps-forwarded = Forwarded
usps-returned = Returned to sender
