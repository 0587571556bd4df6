from django.db.models import QuerySet
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, permissions, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import IsEmailVerified
from accounts.requests import user_of
from core.api.schema import ErrorSerializer
from credits.api.serializers import SubscriptionSerializer
from credits.models import Subscription

from .. import selectors, services, webhooks
from ..errors import SubscriptionNotFound
from ..invoices import render_pdf
from ..models import Payment
from .filters import PaymentFilter
from .serializers import (
    BillingDetailsSerializer,
    CheckoutRequestSerializer,
    CheckoutResponseSerializer,
    DemoConfirmResponseSerializer,
    DemoConfirmSerializer,
    PaymentSerializer,
    RazorpayConfirmSerializer,
)


class CheckoutView(APIView):
    permission_classes = [permissions.IsAuthenticated, IsEmailVerified]

    @extend_schema(
        request=CheckoutRequestSerializer,
        responses={201: CheckoutResponseSerializer},
        parameters=[
            OpenApiParameter(
                "Idempotency-Key", OpenApiTypes.STR, OpenApiParameter.HEADER, required=False
            )
        ],
        summary="Start paying for something; answers what the provider's client needs",
    )
    def post(self, request: Request) -> Response:
        serializer = CheckoutRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        checkout = services.start_checkout(
            user_of(request),
            idempotency_key=request.headers.get("Idempotency-Key", "")[:200],
            **serializer.validated_data,
        )
        body = {"payment": PaymentSerializer(checkout.payment).data, "client": checkout.client}
        return Response(body, status=status.HTTP_201_CREATED)


class PaymentListView(generics.ListAPIView):
    serializer_class = PaymentSerializer
    filterset_class = PaymentFilter
    ordering_fields = ["created_at", "amount"]

    def get_queryset(self) -> QuerySet[Payment]:
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return Payment.objects.none()
        return selectors.payments_for(user_of(self.request))


class PaymentDetailView(generics.RetrieveAPIView):
    serializer_class = PaymentSerializer

    def get_object(self) -> Payment:
        return selectors.payment_for(user_of(self.request), self.kwargs["pk"])


class RazorpayConfirmView(APIView):
    permission_classes = [permissions.IsAuthenticated, IsEmailVerified]

    @extend_schema(
        request=RazorpayConfirmSerializer,
        responses={200: PaymentSerializer},
        summary="Razorpay checkout's success handler posts the signed result here",
    )
    def post(self, request: Request, pk: str) -> Response:
        payment = selectors.payment_for(user_of(request), pk)
        serializer = RazorpayConfirmSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        payment = services.confirm_razorpay_payment(
            payment,
            order_id=data["razorpay_order_id"],
            payment_id=data["razorpay_payment_id"],
            signature=data["razorpay_signature"],
        )
        return Response(PaymentSerializer(payment).data)


class DemoConfirmView(APIView):
    permission_classes = [permissions.IsAuthenticated, IsEmailVerified]

    @extend_schema(
        request=DemoConfirmSerializer,
        responses={
            200: DemoConfirmResponseSerializer,
            400: OpenApiResponse(
                ErrorSerializer,
                description="Not a demo test card, a bad expiry or CVC (validation_error), "
                "or the demo provider is off or this is not a demo payment "
                "(provider_unavailable).",
            ),
            404: OpenApiResponse(ErrorSerializer, description="No such payment of yours."),
            409: OpenApiResponse(
                ErrorSerializer,
                description="The payment expired or was canceled (payment_not_payable), or "
                "an action was sent with no confirmation step waiting (no_action_pending).",
            ),
        },
        summary="Pay a demo payment with a test card (no real money); answer its 3-D "
        "Secure-like step",
        description="Development and demo servers only. 4242 4242 4242 4242 succeeds, "
        "4000 0000 0000 0002 is declined, 4000 0000 0000 3220 answers requires_action: then "
        'send {"action": "approve"} or {"action": "cancel"}. A payment that succeeded '
        "answers its status again without doing anything.",
    )
    def post(self, request: Request, pk: str) -> Response:
        payment = selectors.own_payment(user_of(request), pk)
        serializer = DemoConfirmSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        outcome = services.confirm_demo_payment(
            payment, card=data.get("card", ""), action=data.get("action", "")
        )
        body = {
            "status": outcome.status,
            "message": outcome.message,
            "failure_reason": outcome.payment.failure_reason if outcome.status == "failed" else "",
            "payment": PaymentSerializer(outcome.payment).data,
        }
        return Response(body)


class SubscriptionCancelView(APIView):
    @extend_schema(
        request=None,
        responses={200: SubscriptionSerializer},
        summary="Cancel my subscription: it stays until the paid period ends, then stops",
    )
    def post(self, request: Request, pk: int) -> Response:
        subscription = Subscription.objects.filter(pk=pk, user=user_of(request)).first()
        if subscription is None:
            raise SubscriptionNotFound()
        subscription = services.cancel_subscription(user_of(request), subscription)
        return Response(SubscriptionSerializer(subscription).data)


class BillingDetailsView(APIView):
    @extend_schema(
        responses={200: BillingDetailsSerializer},
        summary="My billing country and VAT/GST number, for my invoices",
    )
    def get(self, request: Request) -> Response:
        details = selectors.billing_details_of(user_of(request))
        return Response(BillingDetailsSerializer(details).data)

    @extend_schema(
        request=BillingDetailsSerializer,
        responses={200: BillingDetailsSerializer, 400: ErrorSerializer},
        summary="Set my billing country and VAT/GST number; the next invoice carries them",
    )
    def put(self, request: Request) -> Response:
        serializer = BillingDetailsSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        details = services.save_billing_details(
            user_of(request),
            country=serializer.validated_data["country"],
            tax_id=serializer.validated_data["tax_id"],
        )
        return Response(BillingDetailsSerializer(details).data)


class InvoicePdfView(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("number", OpenApiTypes.STR, description="A credit note's number")
        ],
        responses={(200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY)},
        summary="The payment's invoice (or one of its credit notes) as PDF",
    )
    def get(self, request: Request, pk: str) -> HttpResponse:
        invoice = selectors.invoice_for(user_of(request), pk, request.query_params.get("number"))
        response = HttpResponse(render_pdf(invoice), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{invoice.number}.pdf"'
        return response


class _WebhookView(APIView):
    # Providers call these without a session or token: the signature is the authentication,
    # and CSRF does not apply to a request that carries no credentials.
    authentication_classes: list[type] = []
    permission_classes = [permissions.AllowAny]
    throttle_classes: list[type] = []

    def answer(self, fresh: bool) -> Response:
        return Response({"received": True, "duplicate": not fresh})

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, webhooks.RetryLater):
            return Response(
                {"code": "retry_later", "message": str(exc)},
                status=status.HTTP_503_SERVICE_UNAVAILABLE,
            )
        return super().handle_exception(exc)


class StripeWebhookView(_WebhookView):
    @extend_schema(request=OpenApiTypes.OBJECT, responses={200: OpenApiTypes.OBJECT})
    def post(self, request: Request) -> Response:
        fresh = webhooks.receive_stripe(request.body, request.headers.get("Stripe-Signature"))
        return self.answer(fresh)


class RazorpayWebhookView(_WebhookView):
    @extend_schema(request=OpenApiTypes.OBJECT, responses={200: OpenApiTypes.OBJECT})
    def post(self, request: Request) -> Response:
        fresh = webhooks.receive_razorpay(
            request.body,
            request.headers.get("X-Razorpay-Signature"),
            request.headers.get("X-Razorpay-Event-Id"),
        )
        return self.answer(fresh)
